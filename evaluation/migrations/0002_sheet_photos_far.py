"""A sheet counts the photos of its failures taken farther from its point than the set distance (each photo
keeps its own time, position and distance on its issue); such a sheet is flagged as one observed far away.
Sheets submitted before counted none."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="sheet",
            name="photos_far",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="photos taken far from the point"),
        ),
    ]

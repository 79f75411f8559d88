"""A photo of an issue keeps when and where it was taken, where the filing knew it (the mock evaluation's
sheet: the photo's EXIF, else the phone's clock and position when the photo was chosen), each with its
source, and how far from the issue's place it was taken. Photos stored before know none of it."""

from django.db import migrations, models

SOURCES = [
    ("exif", "the photo's EXIF"),
    ("device", "the phone, when the photo was chosen"),
    ("server", "the server, when the photo arrived"),
]
COORDINATE = {"max_digits": 9, "decimal_places": 6, "null": True, "blank": True}


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0008_geo_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="issuephoto",
            name="captured_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="taken at"),
        ),
        migrations.AddField(
            model_name="issuephoto",
            name="time_source",
            field=models.CharField(blank=True, choices=SOURCES, max_length=8, verbose_name="time from"),
        ),
        migrations.AddField(
            model_name="issuephoto",
            name="latitude",
            field=models.DecimalField(verbose_name="latitude", **COORDINATE),
        ),
        migrations.AddField(
            model_name="issuephoto",
            name="longitude",
            field=models.DecimalField(verbose_name="longitude", **COORDINATE),
        ),
        migrations.AddField(
            model_name="issuephoto",
            name="position_source",
            field=models.CharField(blank=True, choices=SOURCES[:2], max_length=8, verbose_name="position from"),
        ),
        migrations.AddField(
            model_name="issuephoto",
            name="distance_m",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="distance from the place (m)"),
        ),
        migrations.AddConstraint(
            model_name="issuephoto",
            constraint=models.CheckConstraint(
                condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90),
                name="issue_photo_latitude_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="issuephoto",
            constraint=models.CheckConstraint(
                condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180, longitude__lte=180),
                name="issue_photo_longitude_range",
            ),
        ),
    ]

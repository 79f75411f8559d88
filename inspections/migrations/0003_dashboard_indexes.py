# Indexes for the dashboard's figures at city scale: the issues found and closed per
# week counted from the index alone.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0002_updated_id_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='issue',
            name='issue_reported_idx',
        ),
        migrations.AddIndex(
            model_name='issue',
            index=models.Index(fields=['-reported_at'], include=('points', 'status'), name='issue_reported_idx'),
        ),
        migrations.AddIndex(
            model_name='issue',
            index=models.Index(condition=models.Q(('status', 'closed')), fields=['closed_at'], name='issue_closed_idx'),
        ),
    ]

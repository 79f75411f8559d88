# Issue photos get random names (inspections.models.issue_photo_path), and the files stored so far, whose
# names came from the phone's file name under a guessable month folder, are moved to random names too.

import logging

from django.db import migrations, models

import inspections.models
from core.images import photo_files_rename

logger = logging.getLogger(__name__)


def move_issue_photos(apps, schema_editor) -> None:
    """Give every stored issue photo (and thumbnail) a random name; a missing file is logged and skipped."""
    moved = photo_files_rename(apps.get_model("inspections", "IssuePhoto").objects.all(), folder="issues")
    logger.info("Moved %s issue photo files to random names", moved)


class Migration(migrations.Migration):
    # Row by row, each committed with its file: a run stopped half-way leaves every row pointing at a file,
    # and running it again moves only what is left.
    atomic = False

    dependencies = [
        ('inspections', '0003_dashboard_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='issuephoto',
            name='image',
            field=models.ImageField(upload_to=inspections.models.issue_photo_path, verbose_name='image'),
        ),
        migrations.AlterField(
            model_name='issuephoto',
            name='thumbnail',
            field=models.ImageField(blank=True, upload_to=inspections.models.issue_thumbnail_path, verbose_name='thumbnail'),
        ),
        # Backwards, the files keep their random names: nothing needs the old ones back.
        migrations.RunPython(move_issue_photos, migrations.RunPython.noop),
    ]

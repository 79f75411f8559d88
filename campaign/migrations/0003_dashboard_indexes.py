# Indexes for the dashboard's figures at city scale: a period's tasks by due date and the
# weekly completions counted from the index alone, the longest overdue read in order, and a
# target's progress summed from an index that also serves the task's foreign key.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0002_updated_id_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='progressreport',
            name='task',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='progress_reports', to='campaign.task', verbose_name='task'),
        ),
        migrations.AddIndex(
            model_name='progressreport',
            index=models.Index(fields=['task'], include=('quantity',), name='progress_task_quantity_idx'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(fields=['due_date'], include=('status', 'completed_at', 'department'), name='task_due_idx'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('status__in', ['todo', 'in_progress'])), fields=['due_date'], name='task_open_due_idx'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('status', 'done')), fields=['completed_at'], name='task_completed_idx'),
        ),
    ]

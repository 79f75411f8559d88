# Written by hand (only this field): the reminder ladder's chat-robot webhook per department.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_notification'),
    ]

    operations = [
        migrations.AddField(
            model_name='department',
            name='webhook_url',
            field=models.URLField(blank=True, help_text="Address of a WeCom or DingTalk group robot. Reminders to this department's people are also posted there; a section without one uses its parent's.", max_length=500, verbose_name='chat-robot webhook'),
        ),
    ]

"""Who is on a round's team, and since when: a team keeps its history, its members included, as the round
does. The teams planned before are recorded as they stand, on the day their round was planned."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def record_the_teams_as_they_stand(apps, schema_editor):
    Team = apps.get_model("evaluation", "Team")
    HistoricalTeam = apps.get_model("evaluation", "HistoricalTeam")
    HistoricalMembers = apps.get_model("evaluation", "HistoricalTeam_members")
    for team in Team.objects.select_related("round").order_by("pk").iterator():
        record = HistoricalTeam.objects.create(
            id=team.pk, name=team.name, round_id=team.round_id, history_date=team.round.created, history_type="+"
        )
        HistoricalMembers.objects.bulk_create(
            HistoricalMembers(id=row.pk, history=record, team_id=team.pk, user_id=row.user_id)
            for row in Team.members.through.objects.filter(team_id=team.pk)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0002_sheet_photos_far'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalTeam',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(max_length=60, verbose_name='name')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('round', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='evaluation.round', verbose_name='round')),
            ],
            options={
                'verbose_name': 'historical evaluation team',
                'verbose_name_plural': 'historical evaluation teams',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalTeam_members',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='evaluation.historicalteam')),
                ('team', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='evaluation.team')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'HistoricalTeam_members',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(record_the_teams_as_they_stand, migrations.RunPython.noop),
    ]

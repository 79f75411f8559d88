from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender, using: str = "default", **kwargs) -> None:
    """The database cache's table exists once ``migrate`` has run, so that a fresh machine's first API
    request finds it. It is no model, so no migration makes it; ``createcachetable`` leaves an existing
    table alone and does nothing when the cache is Redis (CACHE_URL)."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core.checks import Tags, register

        from core.checks import calendar_coverage

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="core.create_cache_table")
        register(calendar_coverage, Tags.database)

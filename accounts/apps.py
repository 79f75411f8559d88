from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_role_groups(sender, using: str = "default", **kwargs) -> None:
    """Every installation has one group per role. Made after each migrate (and after a test
    flush), like Django's own permissions, so they can never be missing."""
    from django.contrib.auth.models import Group

    from accounts.models import Role

    for role in Role:
        Group.objects.using(using).get_or_create(name=role.value)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation and accounts")

    def ready(self) -> None:
        post_migrate.connect(create_role_groups, sender=self, dispatch_uid="accounts.create_role_groups")

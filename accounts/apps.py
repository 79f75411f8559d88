from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_role_groups(sender, using: str = "default", **kwargs) -> None:
    """Every installation has one group per role. Made after each migrate (and after a test
    flush), like Django's own permissions, so they can never be missing."""
    from django.contrib.auth.models import Group

    from accounts.models import Role

    for role in Role:
        Group.objects.using(using).get_or_create(name=role.value)


# The admin's sections of third-party apps, in the product's words: their own names are English
# ("Axes") or a library's wording ("Auth Token"). The apps must stay listed under their own module
# names (DRF's token models test for "rest_framework.authtoken" in INSTALLED_APPS), so they are
# renamed here rather than by AppConfig subclasses.
THIRD_PARTY_APP_NAMES = {
    "axes": _("Sign-in lockouts"),
    "authtoken": _("API tokens"),
}


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation and accounts")

    def ready(self) -> None:
        post_migrate.connect(create_role_groups, sender=self, dispatch_uid="accounts.create_role_groups")
        for label, name in THIRD_PARTY_APP_NAMES.items():
            apps.get_app_config(label).verbose_name = name

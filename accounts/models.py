"""Who works where: the department tree, the people in it and their roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class Role(models.TextChoices):
    """The groups a user may belong to (made after every migrate by ``accounts.apps.create_role_groups``)."""

    STAFF = "staff", _("Department staff")
    LEADER = "leader", _("Leader")
    INSPECTOR = "inspector", _("Inspector")
    ADMINISTRATOR = "administrator", _("Administrator")
    API_CLIENT = "api_client", _("API client")


class Department(TimeStampedModel):
    """A unit of government that can own work: a bureau, a district and its subdistricts and
    communities, or a section (科室) inside any of them. The tree follows ``parent``."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Municipal bureau")
        DISTRICT = "district", _("District")
        SUBDISTRICT = "subdistrict", _("Subdistrict")
        COMMUNITY = "community", _("Community")
        SECTION = "section", _("Section")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    head = models.ForeignKey(
        "accounts.User",
        verbose_name=_("head"),
        help_text=_("Receives escalated reminders for this department's overdue work."),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(verbose_name=_("historical department"))
    webhook_url = models.URLField(
        _("chat-robot webhook"),
        max_length=500,
        blank=True,
        help_text=_(
            "Address of a WeCom or DingTalk group robot. Reminders to this department's people are "
            "also posted there; a section without one uses its parent's."
        ),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="department_not_own_parent"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"), name="department_code_format"
            ),
        ]
        indexes = [models.Index(fields=["parent", "sort_order"], name="department_tree_idx")]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Department"]:
        """The chain above this department, nearest first (one query per level; trees are shallow)."""
        chain, node = [], self.parent
        while node is not None and len(chain) < 10:
            chain.append(node)
            node = node.parent
        return chain


class User(AbstractUser):
    """A person who signs in: department staff, a leader, an inspector, an administrator, or
    the service account of another city system."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    title = models.CharField(_("job title"), max_length=60, blank=True, help_text=_("Official position (职务)."))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Who held which post when: the history behind accountability. Secrets are not kept.
    history = HistoricalRecords(
        excluded_fields=["password", "last_login"], verbose_name=_("historical user"), user_related_name="+"
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=r"^\+?[0-9-]{5,20}$"), name="user_phone_format"
            ),
        ]
        indexes = [models.Index(fields=["department", "last_name", "first_name"], name="user_department_idx")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        # Chinese names are written family name first, with no space.
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    def get_full_name(self) -> str:
        """Django's full name (the admin's lists and forms): ``display_name``, family name first."""
        return self.display_name

    def get_short_name(self) -> str:
        """What Django's admin greets with: a Chinese colleague is addressed by the full name, not the
        given name alone (欢迎，王磊 rather than 欢迎，磊)."""
        return self.display_name

    def has_role(self, role: Role) -> bool:
        return self.is_superuser or role in self.role_names

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The user's groups, read once per request (with the user, for the signed-in one: the backend reads
        the roles' groups, ``accounts.backends``)."""
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def work_department_id(self) -> int | None:
        """The department whose work this user answers for: a section's member works for its bureau."""
        department = self.department
        if department is None:
            return None
        if department.kind == Department.Kind.SECTION and department.parent_id:
            return department.parent_id
        return department.pk


class Notification(models.Model):
    """A message in a user's in-app inbox (the bell): a dispatched issue, a decision, a reminder."""

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created"], name="notification_inbox_idx"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title

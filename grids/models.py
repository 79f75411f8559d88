"""The city cut into grids (网格), and the places inside them, each with who answers for it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel

LATITUDE = Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90)
LONGITUDE = Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180)


class Grid(TimeStampedModel):
    """A grid of the urban area with its county-level leader (县级领导) and the district
    departments assigned to it (帮包). ``boundary`` is a GeoJSON geometry (Polygon or MultiPolygon)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    subdistrict = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("subdistrict"),
        on_delete=models.PROTECT,
        related_name="grids",
        limit_choices_to={"kind": "subdistrict"},
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("county-level leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_grids",
    )
    departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("assigned departments"),
        related_name="assigned_grids",
        blank=True,
    )
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    latitude = models.DecimalField(_("centre latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("centre longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[departments], verbose_name=_("historical grid"))

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=LATITUDE, name="grid_latitude_range"),
            models.CheckConstraint(condition=LONGITUDE, name="grid_longitude_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Place(TimeStampedModel):
    """A street, compound, urban village or other spot that inspectors check and someone answers for.

    Responsibility is double: the territorial unit (属地, a subdistrict or community) and the
    assigned department and leader (帮包). Kind-specific facts are plain optional fields."""

    class Kind(models.TextChoices):
        STREET = "street", _("Street or lane")
        COMPOUND = "compound", _("Residential compound")
        VILLAGE = "village", _("Urban village")
        COMMUNITY = "community", _("Community")
        MARKET = "market", _("Market")
        SCHOOL = "school", _("School and surroundings")
        SMALL_TRADE = "small_trade", _("Small trade (九小行业)")
        PUBLIC_PLACE = "public_place", _("Public place")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="places")
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    assigned_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("assigned department (帮包)"),
        on_delete=models.PROTECT,
        related_name="assigned_places",
    )
    assigned_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned leader (帮包)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_places",
    )
    territorial_unit = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("territorial unit (属地)"),
        on_delete=models.PROTECT,
        related_name="territorial_places",
    )
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    length_m = models.PositiveIntegerField(_("length (m)"), null=True, blank=True)
    property_company = models.CharField(_("property company"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(verbose_name=_("historical place"))

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["grid__code", "kind", "code"]
        constraints = [
            models.CheckConstraint(condition=LATITUDE, name="place_latitude_range"),
            models.CheckConstraint(condition=LONGITUDE, name="place_longitude_range"),
            models.CheckConstraint(
                condition=Q(households__isnull=True) | Q(households__gte=0), name="place_households_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(length_m__isnull=True) | Q(length_m__gte=0), name="place_length_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "kind"], name="place_grid_kind_idx"),
            models.Index(fields=["assigned_department", "kind"], name="place_department_idx"),
            models.Index(fields=["territorial_unit"], name="place_territorial_idx"),
            models.Index(fields=["name"], name="place_name_idx"),
            models.Index(fields=["latitude", "longitude"], name="place_geo_idx"),  # the nearest places
        ]

    def __str__(self) -> str:
        return self.name

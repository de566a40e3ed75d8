"""The area tree, from a city down to a household, in town and in the country.

    city → district or county → street or township → community or village → …
    in town:     community → compound (小区) → building → unit → household
    scattered:   community → household (散居: a house in no compound)
    in the country: village (村) → village group (村民小组, 组) → household (a house: 3组15号)
                    village → household (a house in no group: 村委会后院)

Places of the same role share a word in code: a *site* (compound or village) has its own
self-registration QR code, sampling points and imports; a *block* (building or village) has a map,
door by door; a *stairwell* (unit, building without units, village group, and a village or
community that holds houses directly) is what a leader calls down at once and the last place
above a household.

Every node carries a materialised path: the path of its parent followed by a fixed-width decimal
segment. A subtree is then one index range scan (`path >= p AND path < next(p)`) on SQLite and on
PostgreSQL alike, in any collation, because paths hold digits only.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from firstline.common.paths import SEGMENT_WIDTH, ancestor_paths


class AreaKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
    STREET = "street", _("Street")
    TOWNSHIP = "township", _("Township")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    COMPOUND = "compound", _("Compound")
    VILLAGE_GROUP = "village_group", _("Village group")
    BUILDING = "building", _("Building")
    UNIT = "unit", _("Unit")
    HOUSEHOLD = "household", _("Household")


KIND_ORDER = [k.value for k in AreaKind]
CHILD_KINDS = {
    AreaKind.CITY: {AreaKind.DISTRICT, AreaKind.COUNTY},
    AreaKind.DISTRICT: {AreaKind.STREET, AreaKind.TOWNSHIP},
    AreaKind.COUNTY: {AreaKind.TOWNSHIP, AreaKind.STREET},
    # A street may hold village committees beside its communities (离石区), a township communities
    # beside its villages (a county town).
    AreaKind.STREET: {AreaKind.COMMUNITY, AreaKind.VILLAGE},
    AreaKind.TOWNSHIP: {AreaKind.VILLAGE, AreaKind.COMMUNITY},
    # Scattered residents (散居居民) live in houses of the community in no compound.
    AreaKind.COMMUNITY: {AreaKind.COMPOUND, AreaKind.HOUSEHOLD},
    # A village's houses are in its groups, or directly under it.
    AreaKind.VILLAGE: {AreaKind.VILLAGE_GROUP, AreaKind.HOUSEHOLD},
    AreaKind.VILLAGE_GROUP: {AreaKind.HOUSEHOLD},
    AreaKind.COMPOUND: {AreaKind.BUILDING},
    # A building without units holds its households directly.
    AreaKind.BUILDING: {AreaKind.UNIT, AreaKind.HOUSEHOLD},
    AreaKind.UNIT: {AreaKind.HOUSEHOLD},
    AreaKind.HOUSEHOLD: set(),
}
# The kinds a tree may start at: a deployment for a street keeps its street at the top.
ROOT_KINDS = (AreaKind.CITY, AreaKind.DISTRICT, AreaKind.COUNTY, AreaKind.STREET, AreaKind.TOWNSHIP)
# Levels of administration above the places where people live.
ADMIN_KINDS = frozenset(
    {
        AreaKind.CITY,
        AreaKind.DISTRICT,
        AreaKind.COUNTY,
        AreaKind.STREET,
        AreaKind.TOWNSHIP,
        AreaKind.COMMUNITY,
    }
)
# A site has its own self-registration QR code, sampling points and imports.
SITE_KINDS = frozenset({AreaKind.COMPOUND, AreaKind.VILLAGE})
# A block has a map door by door: a building by unit and floor, a village by group.
BLOCK_KINDS = frozenset({AreaKind.BUILDING, AreaKind.VILLAGE})
# A stairwell is the last place above a household: what one call-down calls at once.
STAIRWELL_KINDS = frozenset(
    {
        AreaKind.UNIT,
        AreaKind.BUILDING,
        AreaKind.VILLAGE_GROUP,
        AreaKind.VILLAGE,
        AreaKind.COMMUNITY,
    }
)
# A stairwell inside a block: a building's unit, a village's group ('3号楼2单元', '新添堡村3组').
INNER_STAIRWELLS = frozenset({AreaKind.UNIT, AreaKind.VILLAGE_GROUP})
# Places whose houses have numbers in the street or the village, not doors on floors.
RURAL_STAIRWELLS = frozenset({AreaKind.VILLAGE_GROUP, AreaKind.VILLAGE, AreaKind.COMMUNITY})


class RiskStatus(models.TextChoices):
    SEALED = "sealed", _("Sealed")
    CONTROLLED = "controlled", _("Controlled")
    PRECAUTION = "precaution", _("Precaution")
    NORMAL = "normal", _("Normal")


RISK_SEVERITY = {
    RiskStatus.SEALED: 3,
    RiskStatus.CONTROLLED: 2,
    RiskStatus.PRECAUTION: 1,
    RiskStatus.NORMAL: 0,
}


class Area(models.Model):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AreaKind.choices)
    name = models.CharField(_("name"), max_length=100)
    path = models.CharField(max_length=64, unique=True)
    # Next free path segment for a child; reserved with an F() update, so concurrent inserts never collide.
    next_child_seq = models.PositiveIntegerField(default=1)
    sort_key = models.PositiveIntegerField(_("order"), default=0)
    risk_status = models.CharField(
        _("risk status"), max_length=16, choices=RiskStatus.choices, default=RiskStatus.NORMAL
    )
    # Buildings.
    has_lift = models.BooleanField(_("has a lift"), null=True, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    # Households: the door.
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    door = models.CharField(_("door"), max_length=20, blank=True, default="")
    # Compounds: the token printed in the self-registration QR code.
    public_token = models.CharField(max_length=32, null=True, blank=True, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "path"]), models.Index(fields=["parent", "sort_key"])]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return len(self.path) // SEGMENT_WIDTH

    @property
    def ancestor_paths(self) -> list[str]:
        """Paths of the ancestors, root first, without this node."""
        return ancestor_paths(self.path)


class RiskStatusChange(models.Model):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="risk_history")
    old_status = models.CharField(max_length=16, choices=RiskStatus.choices)
    new_status = models.CharField(max_length=16, choices=RiskStatus.choices)
    reason = models.CharField(_("reason"), max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.area_id}: {self.old_status} → {self.new_status}"

"""Who may act where: a user holds grants, each a role on an area node (and its subtree)."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from firstline.accounts.roles import Role


class Grant(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="grants")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role", "area"], name="grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.area_id}"

    @property
    def title(self) -> str:
        """What the holder is called where they work. The building leader's role is a unit leader
        (单元长) on a unit, a building leader (楼长) on a building, a group leader (组长) on a village
        group and a grid worker (网格员) above; community staff on a village are its village committee
        (村委会); a coordinator is named after the level they coordinate (街道, 乡镇, 区, 县, 市)."""
        kind = self.area.kind
        if self.role == Role.BUILDING_LEADER:
            return str(_LEADER_TITLES.get(kind, _("Grid worker")))
        if self.role == Role.COMMUNITY_STAFF and kind == "village":
            return str(_("Village committee"))
        if self.role == Role.STREET_COORDINATOR and kind in _COORDINATOR_TITLES:
            return str(_COORDINATOR_TITLES[kind])
        return str(self.get_role_display())


_LEADER_TITLES = {
    "unit": _("Unit leader"),
    "building": _("Building leader"),
    "household": _("Building leader"),
    "village_group": _("Village group leader"),
}
_COORDINATOR_TITLES = {
    "township": _("Township coordinator"),
    "district": _("District coordinator"),
    "county": _("County coordinator"),
    "city": _("City coordinator"),
}


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenFailure(models.Model):
    """Wrong API tokens sent from one client address in one fixed window of time (for throttling).

    A count, not a log: one row per client and window, removed once the window has passed. Valid
    tokens never touch it.
    """

    client_address = models.GenericIPAddressField()
    window_start = models.DateTimeField(db_index=True)
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client_address", "window_start"], name="api_token_failure_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_address} @ {self.window_start:%Y-%m-%d %H:%M}: {self.failures}"

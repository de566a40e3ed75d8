"""Reads on accounts: a user's own API tokens, and the grants a manager may see."""

from django.db.models import QuerySet

from firstline.accounts.models import ApiToken, Grant
from firstline.accounts.roles import Perm
from firstline.accounts.scope import scope_filter
from firstline.common.models import AuditEntry


def api_tokens_of(*, user, include_revoked: bool = False) -> QuerySet[ApiToken]:
    queryset = ApiToken.objects.filter(user=user)
    if not include_revoked:
        queryset = queryset.filter(revoked_at__isnull=True)
    return queryset.order_by("-created_at", "-id")


def grants_managed_by(*, user) -> QuerySet[Grant]:
    """Grants on areas where `user` may manage users, with the holder and the area."""
    return (
        scope_filter(Grant.objects.all(), user, Perm.USER_MANAGE, field="area__path")
        .select_related("user", "area")
        .order_by("area__path", "user__username", "role")
    )


def audit_entries(*, user, action: str = "", actor: str = "") -> QuerySet[AuditEntry]:
    """The audit trail of the areas where `user` may read it, newest first.

    Entries written by the system for the whole registry (no area) are shown to nobody here.
    """
    queryset = scope_filter(AuditEntry.objects.exclude(area_path=""), user, Perm.AUDIT_VIEW, field="area_path")
    if action:
        queryset = queryset.filter(action__startswith=action)
    if actor:
        queryset = queryset.filter(actor__username=actor)
    return queryset.select_related("actor").order_by("-created_at", "-id")

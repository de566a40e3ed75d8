"""Reads on notices: a user's own inbox, and who a notice about some areas goes to."""

from django.db.models import QuerySet

from firstline.accounts.models import Grant
from firstline.accounts.roles import Role
from firstline.areas.models import AreaKind
from firstline.common.paths import ancestor_paths, any_subtree_q
from firstline.notices.models import NoticeDelivery


def notices_for(*, user, unread_only: bool = False) -> QuerySet[NoticeDelivery]:
    """The user's deliveries, newest first, with their notice and its area."""
    if user is None or not user.is_authenticated:
        return NoticeDelivery.objects.none()
    queryset = NoticeDelivery.objects.filter(user=user).select_related("notice", "notice__area")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-notice__created_at", "-notice_id")


def unread_count(*, user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return NoticeDelivery.objects.filter(user=user, read_at__isnull=True).count()


def recipients_for(*, paths: list[str], roles: list[str]) -> list[int]:
    """Ids of the users holding one of `roles` on the areas at `paths` or on an area above them."""
    wanted = set()
    for path in paths:
        if path:
            wanted.add(path)
            wanted.update(ancestor_paths(path))
    if not wanted:
        return []
    return sorted(
        set(
            Grant.objects.filter(role__in=roles, area__path__in=wanted, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
    )


def residents_under(*, paths: list[str]) -> list[int]:
    """Ids of the residents (a resident's grant on their own door) living under the areas at `paths`:
    a call-down reaches the residents of the stairwells called as well as their leaders."""
    paths = [p for p in paths if p]
    if not paths:
        return []
    return sorted(
        set(
            Grant.objects.filter(
                any_subtree_q(paths, "area__path"),
                role=Role.RESIDENT,
                area__kind=AreaKind.HOUSEHOLD,
                user__is_active=True,
            ).values_list("user_id", flat=True)
        )
    )

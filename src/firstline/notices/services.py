"""Writing notices and delivering them to the users whose grants cover the areas concerned."""

from django.db import transaction
from django.utils import timezone

from firstline.accounts.models import Grant
from firstline.areas.models import Area
from firstline.common.paths import ancestor_paths
from firstline.notices.models import Notice, NoticeDelivery


def recipients_for(*, paths: list[str], roles: list[str]) -> list[int]:
    """Ids of the users holding one of `roles` on the areas at `paths` or on an area above them."""
    wanted = set()
    for path in paths:
        if path:
            wanted.add(path)
            wanted.update(ancestor_paths(path))
    if not wanted:
        return []
    return sorted(set(
        Grant.objects.filter(role__in=roles, area__path__in=wanted, user__is_active=True).values_list("user_id", flat=True)
    ))


@transaction.atomic
def notice_send(
    *, acting_user, area: Area, kind: str, title: str, body: str, recipient_ids: list[int], ref: str = ""
) -> Notice:
    """Write one notice and deliver it to each recipient once. Callers have checked their own rights."""
    notice = Notice.objects.create(
        kind=kind, area=area, title=title[:200], body=body, ref=ref[:64],
        created_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
    )
    NoticeDelivery.objects.bulk_create([NoticeDelivery(notice=notice, user_id=pk) for pk in recipient_ids])
    return notice


def notice_mark_read(*, acting_user, notice_ids: list[int]) -> int:
    """Mark the user's own deliveries of these notices read; returns how many changed."""
    return NoticeDelivery.objects.filter(user=acting_user, notice_id__in=notice_ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )

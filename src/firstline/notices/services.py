"""Writing notices and delivering them to the users whose grants cover the areas concerned."""

from django.db import transaction
from django.utils import timezone

from firstline.areas.models import Area
from firstline.notices.models import Notice, NoticeDelivery


@transaction.atomic
def notice_send(
    *, acting_user, area: Area, kind: str, title: str, body: str, recipient_ids: list[int], ref: str = ""
) -> Notice:
    """Write one notice and deliver it to each recipient once. Callers have checked their own rights."""
    notice = Notice.objects.create(
        kind=kind,
        area=area,
        title=title[:200],
        body=body,
        ref=ref[:64],
        created_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
    )
    NoticeDelivery.objects.bulk_create([NoticeDelivery(notice=notice, user_id=pk) for pk in recipient_ids])
    return notice


def notice_mark_all_read(*, acting_user) -> int:
    """Mark every unread delivery of the user read, in one statement; returns how many changed."""
    return NoticeDelivery.objects.filter(user=acting_user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notice_mark_read(*, acting_user, notice_ids: list[int]) -> int:
    """Mark the user's own deliveries of these notices read; returns how many changed."""
    return NoticeDelivery.objects.filter(
        user=acting_user, notice_id__in=notice_ids, read_at__isnull=True
    ).update(read_at=timezone.now())

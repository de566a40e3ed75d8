"""Reads on notices: a user's own inbox."""

from django.db.models import QuerySet

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

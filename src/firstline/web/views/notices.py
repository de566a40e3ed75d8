"""The notices inbox: what the system wrote for this user (positives, call-downs), unread first,
each message ready to copy into a chat group."""

import math

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from firstline.notices.selectors import notices_for, unread_count
from firstline.notices.services import notice_mark_all_read, notice_mark_read
from firstline.testing.notice_targets import notice_targets

# About how many characters of a message one line of its box holds on a 390 px phone: the box is
# as tall as the whole message there (and grows to its content where the browser can).
LINE_CHARS = 18


def with_links(user, deliveries: list) -> list:
    """The deliveries, each with where its notice leads for this user (`link_url`, `link_label`,
    empty when nowhere they may go), the height of its message box (`body_rows`) and whether its
    title is the message's first line (`title_in_body`)."""
    targets = notice_targets(user=user, notices=[d.notice for d in deliveries])
    for delivery in deliveries:
        target = targets.get(delivery.notice_id)
        delivery.link_url = reverse(target.url_name, args=target.args) if target else ""
        delivery.link_label = str(target.label) if target else ""
        # A call-down's title is its message's first line: a page that shows the message needs no title.
        delivery.title_in_body = delivery.notice.body.startswith(delivery.notice.title)
        lines = delivery.notice.body.splitlines() or [""]
        delivery.body_rows = max(2, sum(max(1, math.ceil(len(line) / LINE_CHARS)) for line in lines))
    return deliveries


@login_required
def notices(request):
    return render(
        request,
        "web/notices/inbox.html",
        {
            "unread_total": unread_count(user=request.user),
            "unread": with_links(request.user, list(notices_for(user=request.user, unread_only=True)[:200])),
            "read": with_links(
                request.user, list(notices_for(user=request.user).filter(read_at__isnull=False)[:50])
            ),
        },
    )


@login_required
@require_POST
def notices_read(request):
    """Mark one notice read (htmx swaps its card), or all of them."""
    if request.POST.get("all"):
        notice_mark_all_read(acting_user=request.user)
        return redirect("web:notices")
    ids = [int(value) for value in request.POST.getlist("notice") if value.isdigit()]
    notice_mark_read(acting_user=request.user, notice_ids=ids)
    if request.headers.get("HX-Request") and len(ids) == 1:
        delivery = notices_for(user=request.user).filter(notice_id=ids[0]).first()
        if delivery is not None:
            return render(
                request, "web/notices/_notice.html", {"delivery": with_links(request.user, [delivery])[0]}
            )
    return redirect("web:notices")

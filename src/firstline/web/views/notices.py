"""The notices inbox: what the system wrote for this user (positives, call-downs), unread first,
each message ready to copy into a chat group."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from firstline.notices.selectors import notices_for, unread_count
from firstline.notices.services import notice_mark_all_read, notice_mark_read


@login_required
def notices(request):
    return render(
        request,
        "web/notices/inbox.html",
        {
            "unread_total": unread_count(user=request.user),
            "unread": list(notices_for(user=request.user, unread_only=True)[:200]),
            "read": list(notices_for(user=request.user).filter(read_at__isnull=False)[:50]),
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
            return render(request, "web/notices/_notice.html", {"delivery": delivery})
    return redirect("web:notices")

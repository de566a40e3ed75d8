"""The audit trail: who did what, where and when (reveals and exports included)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from firstline.accounts.selectors import audit_entries

ACTIONS = [
    "person.reveal_id",
    "ledger.export",
    "person.",
    "residence.",
    "import.",
    "registration.",
    "area.",
    "grant.",
    "user.",
]


@login_required
def audit(request):
    action = request.GET.get("action", "")
    entries = audit_entries(
        user=request.user, action=action if action in ACTIONS else "", actor=request.GET.get("actor", "")
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "web/audit.html", {"page": page, "actions": ACTIONS, "action": action})

"""The audit trail: who did what, where and when (reveals and exports included), in sentences."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.http import urlencode

from firstline.accounts.selectors import audit_entries
from firstline.web.audit_words import action_groups, action_prefixes, sentences

PAGE_ROWS = 50


def _day(value):
    try:
        return parse_date(value or "")
    except ValueError:
        return None


@login_required
def audit(request):
    """A page of 50 entries, filtered by action, user and days; no count of the whole trail (it
    grows without end): a next page exists when one more entry does."""
    group = request.GET.get("action", "")
    since, until = _day(request.GET.get("since")), _day(request.GET.get("until"))
    actor = request.GET.get("actor", "").strip()[:150]
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    entries = audit_entries(
        user=request.user, action=action_prefixes(group), actor=actor, since=since, until=until
    )
    rows = list(entries[(number - 1) * PAGE_ROWS : number * PAGE_ROWS + 1])
    filters = {"action": group, "actor": actor, "since": since or "", "until": until or ""}
    return render(
        request,
        "web/audit.html",
        {
            "lines": sentences(rows[:PAGE_ROWS]),
            "groups": action_groups(),
            "filters": filters,
            "query": urlencode({k: v for k, v in filters.items() if v}),
            "number": number,
            "has_next": len(rows) > PAGE_ROWS,
        },
    )

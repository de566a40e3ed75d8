"""The audit trail's sentences for errands (merged into audit_words.SENTENCES), and its groups of
actions for the audit page's filter."""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from firstline.errands.models import HelpCategory, HelpChannel
from firstline.errands.urgency import Urgency
from firstline.web.audit_words_base import _label, _Words, vars_


def _triage(w: _Words) -> tuple[str, list[str]]:
    category, urgency = w.changes.get("category") or [None, None], w.changes.get("urgency") or [None, None]
    return (
        _("%(actor)s triaged a help request at %(place)s: %(category)s, %(urgency)s")
        % {
            **vars_(w),
            "category": _label(HelpCategory, category[-1]),
            "urgency": _label(Urgency, urgency[-1]),
        },
        [],
    )


SENTENCES: dict[str, Callable[[_Words], tuple[str, list[str]]]] = {
    "errands.request.create": lambda w: (
        _("%(actor)s took a help request for %(place)s: %(category)s, %(urgency)s (%(channel)s)")
        % {
            **vars_(w),
            "category": _label(HelpCategory, w.get("category")),
            "urgency": _label(Urgency, w.get("urgency")),
            "channel": _label(HelpChannel, w.get("channel")),
        },
        [],
    ),
    "errands.request.triage": _triage,
    "errands.request.assign": lambda w: (
        _("%(actor)s assigned a help request at %(place)s to %(who)s")
        % {**vars_(w), "who": w.user("user") if w.get("user") else _("an errand group")},
        [],
    ),
    "errands.request.note": lambda w: (
        _("%(actor)s added a progress note to a help request at %(place)s") % vars_(w),
        [],
    ),
    "errands.request.done": lambda w: (_("%(actor)s marked a help request at %(place)s done") % vars_(w), []),
    "errands.request.confirm": lambda w: (
        _("%(actor)s confirmed the help at %(place)s arrived: %(n)d of 5 stars")
        % {**vars_(w), "actor": w.actor if w.entry.actor_id else _("the household"), "n": w.count("rating")},
        [],
    ),
    "errands.request.cancel": lambda w: (
        _("%(actor)s cancelled a help request at %(place)s") % vars_(w),
        [w.get("reason")] if w.get("reason") else [],
    ),
    "errands.request.escalate": lambda w: (
        _("%(actor)s escalated an overdue help request at %(place)s (%(n)d minutes late)")
        % {**vars_(w), "n": w.count("overdue_minutes")},
        [],
    ),
    "errands.offer.create": lambda w: (
        _("%(actor)s offered to help a neighbour at %(place)s") % vars_(w),
        [],
    ),
    "errands.offer.accept": lambda w: (
        _("%(actor)s accepted an offer of help from a neighbour at %(place)s") % vars_(w),
        [],
    ),
    "errands.offer.decline": lambda w: (
        _("%(actor)s declined an offer of help from a neighbour at %(place)s") % vars_(w),
        [],
    ),
    "errands.offer.unmatch": lambda w: (
        _("%(actor)s unmatched the offer of a neighbour at %(place)s: the request is open again") % vars_(w),
        [],
    ),
    "errands.group.create": lambda w: (
        _("%(actor)s made an errand group at %(place)s with %(n)d volunteers")
        % {**vars_(w), "n": w.count("members")},
        [w.get("name")] if w.get("name") else [],
    ),
    "errands.export": lambda w: (
        _("%(actor)s exported the help request log of %(place)s (%(n)d rows)")
        % {**vars_(w), "n": w.count("rows")},
        [],
    ),
}

# key -> (action prefixes, label in words, gettext_noop)
ACTION_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    "errands": (("errands.",), gettext_noop("Help requests and offers")),
}

"""The audit trail's sentences for distribution (merged into audit_words.SENTENCES), and its groups of
actions for the audit page's filter."""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from firstline.distribution.models import Rule
from firstline.web.audit_words_base import _label, _Words, vars_


def _count(w: _Words, key: str):
    value = w.get(key, 0)
    return value if isinstance(value, (int, str)) else 0


SENTENCES: dict[str, Callable[[_Words], tuple[str, list[str]]]] = {
    "distribution.create": lambda w: (
        _("%(actor)s planned a distribution at %(place)s") % vars_(w),
        [
            _("Rule: %(rule)s") % {"rule": _label(Rule, w.get("rule"))},
            _("%(households)s households, %(shares)s shares, %(batches)s batches")
            % {
                "households": _count(w, "households"),
                "shares": _count(w, "shares"),
                "batches": _count(w, "batches"),
            },
        ],
    ),
    "distribution.confirm": lambda w: (
        _("%(actor)s confirmed the household count of %(place)s") % vars_(w),
        [
            _("Confirmed %(count)s (the ledger has %(ledger)s)")
            % {
                "count": w.new("households") if w.new("households") is not None else "—",
                "ledger": _count(w, "ledger"),
            }
        ],
    ),
    "distribution.issue": lambda w: (
        _("%(actor)s issued a distribution batch from the stock of %(place)s") % vars_(w),
        [
            _("Batch %(batch)s: %(shares)s shares")
            % {"batch": _count(w, "batch"), "shares": _count(w, "shares")}
        ],
    ),
    "distribution.handover": lambda w: (
        _("%(actor)s handed the shares of %(place)s to %(user)s") % {**vars_(w), "user": w.user()},
        [
            _("%(shares)s shares for %(households)s households")
            % {"shares": _count(w, "shares"), "households": _count(w, "households")}
        ],
    ),
    "distribution.receipts": lambda w: (
        _("%(actor)s recorded doors of a distribution at %(place)s") % vars_(w),
        [
            _("%(delivered)s delivered, %(not_home)s not at home, %(refused)s refused")
            % {
                "delivered": _count(w, "delivered"),
                "not_home": _count(w, "not_home"),
                "refused": _count(w, "refused"),
            }
        ]
        + (
            [_("%(count)s doors refused by the check") % {"count": _count(w, "doors_refused")}]
            if w.get("doors_refused")
            else []
        ),
    ),
    "distribution.return": lambda w: (
        _("%(actor)s returned undelivered shares to the stock of %(place)s") % vars_(w),
        [
            _("%(shares)s shares of %(households)s households")
            % {"shares": _count(w, "shares"), "households": _count(w, "households")}
        ],
    ),
    "distribution.close": lambda w: (_("%(actor)s closed a distribution at %(place)s") % vars_(w), []),
    "distribution.export": lambda w: (
        _("%(actor)s exported the reconciliation of a distribution at %(place)s") % vars_(w),
        [],
    ),
}

# key -> (action prefixes, label in words, gettext_noop)
ACTION_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    "distribution": (("distribution.",), gettext_noop("Distributions")),
}

"""The audit trail's sentences for parcels (merged into audit_words.SENTENCES), and its groups of
actions for the audit page's filter."""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from firstline.parcels.models import DeliveryProof
from firstline.web.audit_words_base import _label, _Words, vars_


def _proof(w: _Words) -> str:
    return {"code": _("the resident’s code"), "photo": _("a photo at the door")}.get(
        w.get("proof"), _label(DeliveryProof, w.get("proof"))
    )


SENTENCES: dict[str, Callable[[_Words], tuple[str, list[str]]]] = {
    "parcels.register": lambda w: (
        _("%(actor)s registered a parcel at the gate for %(place)s (%(count)d pieces)")
        % {**vars_(w), "count": w.count("count")}
        + (_(", by the resident’s code") if w.get("by_code") else ""),
        [str(w.get("description"))] if w.get("description") else [],
    ),
    "parcels.disinfect": lambda w: (_("%(actor)s disinfected a parcel for %(place)s") % vars_(w), []),
    "parcels.deliver": lambda w: (
        _("%(actor)s delivered a parcel to %(place)s, confirmed by %(proof)s")
        % {**vars_(w), "proof": _proof(w)},
        [],
    ),
    "parcels.return": lambda w: (
        _("%(actor)s brought a parcel for %(place)s back to the gate") % vars_(w),
        [str(w.get("reason"))] if w.get("reason") else [],
    ),
    "parcels.assign": lambda w: (
        _("%(actor)s gave a parcel for %(place)s to %(courier)s to deliver")
        % {**vars_(w), "courier": w.user("courier")},
        [],
    ),
    "parcels.export": lambda w: (
        _("%(actor)s exported the parcels of %(place)s (%(rows)d rows)")
        % {**vars_(w), "rows": w.count("rows")},
        [],
    ),
}

# key -> (action prefixes, label in words, gettext_noop)
ACTION_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    "parcels": (("parcels.",), gettext_noop("Gate parcels")),
}

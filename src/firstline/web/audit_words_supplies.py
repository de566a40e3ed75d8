"""The audit trail's sentences for supplies (merged into audit_words.SENTENCES), and its groups of
actions for the audit page's filter.

The ledger's own rows (`stock.<kind>`, written by `stock_post` for every movement) say the item by
its catalogue name, the signed quantity and the balance after; nothing about a person."""

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from firstline.supplies.models import DonorKind, Unit
from firstline.web.audit_words_base import _label, _Words, vars_


def _q(value) -> str:
    text = str(value if value not in (None, "") else "0")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _item(w: _Words) -> str:
    return str(w.get("item_name")) or _("an item")


# What caused a movement (its `ref`), in words.
REFS = {
    "supplies.donation": gettext_noop("For a donation"),
    "supplies.stocktake": gettext_noop("From a stock-take"),
    "supplies.resupplyrequest": gettext_noop("For a resupply request"),
    "supplies.stockmovement": gettext_noop("The other half of a transfer"),
    "testing.samplingpoint": gettext_noop("Used at a sampling point"),
    "distribution.campaign": gettext_noop("For a distribution"),
}


def _movement(text: str) -> Callable[[_Words], tuple[str, list[str]]]:
    """A ledger row's sentence: "%(actor)s received 120000 of 生菜 at %(place)s", then the balance."""

    def words(w: _Words) -> tuple[str, list[str]]:
        quantity = _q(w.get("quantity")).lstrip("-")
        sentence = _(text) % {**vars_(w), "quantity": quantity, "item": _item(w)}
        details = [_("Balance after: %(balance)s") % {"balance": _q(w.get("balance"))}]
        ref = str(w.get("ref")).split("#")[0]
        if ref:
            details.append(_(REFS.get(ref, gettext_noop("For another record"))))
        return sentence, details

    return words


SENTENCES: dict[str, Callable[[_Words], tuple[str, list[str]]]] = {
    "stock.receipt": _movement(
        gettext_noop("%(actor)s received %(quantity)s of %(item)s into stock at %(place)s")
    ),
    "stock.issue": _movement(
        gettext_noop("%(actor)s issued %(quantity)s of %(item)s from stock at %(place)s")
    ),
    "stock.transfer_out": _movement(
        gettext_noop("%(actor)s sent %(quantity)s of %(item)s from %(place)s to another warehouse")
    ),
    "stock.transfer_in": _movement(
        gettext_noop("%(actor)s took in %(quantity)s of %(item)s at %(place)s from another warehouse")
    ),
    "stock.return": _movement(
        gettext_noop("%(actor)s returned %(quantity)s of %(item)s to stock at %(place)s")
    ),
    "stock.adjustment": _movement(gettext_noop("%(actor)s adjusted %(item)s by %(quantity)s at %(place)s")),
    "stock.stocktake": _movement(
        gettext_noop("%(actor)s corrected %(item)s by %(quantity)s after a count at %(place)s")
    ),
    "stock.usage": _movement(gettext_noop("%(actor)s recorded %(quantity)s of %(item)s used at %(place)s")),
    "stock.levels": lambda w: (
        _("%(actor)s set the minimum level of %(item)s at %(place)s") % {**vars_(w), "item": _item(w)},
        [
            _("Minimum: %(old)s → %(new)s") % {"old": _q(w.old("minimum")), "new": _q(w.new("minimum"))},
            _("Fill up to: %(old)s → %(new)s") % {"old": _q(w.old("target")), "new": _q(w.new("target"))},
        ],
    ),
    "stock.batch": lambda w: (
        _("%(actor)s posted a batch of movements at %(place)s") % vars_(w),
        [_("%(n)s movements of %(i)s items") % {"n": w.count("movements"), "i": w.count("items")}],
    ),
    "stock.export": lambda w: (
        _("%(actor)s exported the stock ledger of %(place)s") % vars_(w),
        [_("%(n)s movements") % {"n": w.count("movements")}],
    ),
    "stocktake.record": lambda w: (
        _("%(actor)s recorded a stock-take at %(place)s") % vars_(w),
        [
            _("%(n)s items counted, %(d)s differed") % {"n": w.count("items"), "d": w.count("differences")},
            _("Disinfected") if w.get("disinfected") is True else _("Not disinfected"),
        ],
    ),
    "resupply.raise": lambda w: (
        _("%(actor)s took %(item)s below its minimum at %(place)s; a resupply was asked for")
        % {**vars_(w), "item": _item(w)},
        [_("Asked for: %(q)s") % {"q": _q(w.get("quantity"))}],
    ),
    "resupply.send": lambda w: (
        _("%(actor)s sent a resupply of %(item)s to %(place)s") % {**vars_(w), "item": _item(w)},
        [_("Quantity: %(q)s") % {"q": _q(w.get("quantity"))}],
    ),
    "resupply.receive": lambda w: (
        _("%(actor)s received a resupply of %(item)s at %(place)s") % {**vars_(w), "item": _item(w)},
        [_("Quantity: %(q)s") % {"q": _q(w.get("quantity"))}],
    ),
    "resupply.cancel": lambda w: (
        _("%(actor)s cancelled a resupply request of %(item)s at %(place)s") % {**vars_(w), "item": _item(w)},
        [],
    ),
    "item.create": lambda w: (
        _("%(actor)s added %(item)s to the catalogue of supplies, from %(place)s")
        % {**vars_(w), "item": _item(w)},
        [_label(Unit, w.get("unit"))],
    ),
    "warehouse.create": lambda w: (
        _("%(actor)s opened a warehouse at %(place)s") % vars_(w),
        [_("The store of a sampling point")] if w.get("sampling_point") is True else [],
    ),
    "donor.create": lambda w: (
        _("%(actor)s added a donor at %(place)s") % vars_(w),
        [_label(DonorKind, w.get("kind"))],
    ),
    "donation.receive": lambda w: (
        _("%(actor)s received a donation at %(place)s") % vars_(w),
        [_("%(n)s items") % {"n": w.count("lines")}],
    ),
}

# key -> (action prefixes, label in words, gettext_noop)
ACTION_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    "supplies": (
        ("stock.", "stocktake.", "resupply.", "donor.", "donation.", "item.", "warehouse."),
        gettext_noop("Supplies"),
    ),
}

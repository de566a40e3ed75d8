"""What every audit sentence is made of: the words of one entry (its actor, place, person and
changes) and the small helpers that put them in words. audit_words.py and each later app's
audit_words_<app>.py build their sentences from these."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from firstline.common.models import AuditEntry
from firstline.people.models import VulnerabilityTag


@dataclass
class Line:
    entry: AuditEntry
    sentence: str
    details: list[str]


class _Words:
    """What one entry's sentence needs, read from the page's lookups."""

    def __init__(self, entry: AuditEntry, people: dict, places: dict, users: dict) -> None:
        self.entry = entry
        self.changes = entry.changes if isinstance(entry.changes, dict) else {}
        self._people, self._users = people, users
        self.actor = entry.actor.username if entry.actor_id and entry.actor else _("the system")
        self.place = places.get(entry.area_path) or _("the whole registry")

    def get(self, key: str, default=""):
        value = self.changes.get(key)
        return default if value is None else value

    def count(self, key: str) -> int:
        value = self.changes.get(key)
        if isinstance(value, list):
            return len(value)
        return value if isinstance(value, int) else 0

    @property
    def person(self) -> str:
        """The person the entry is about, masked: its target, else the person its changes name."""
        pk = self.entry.target_id if self.entry.target_type == "people.person" else self.changes.get("person")
        return self._people.get(_int(pk), _("a resident"))

    def user(self, key: str = "user") -> str:
        return self._users.get(_int(self.changes.get(key)), _("an account"))

    def new(self, key: str):
        """The new value of a (old, new) change, or the value itself."""
        value = self.changes.get(key)
        return value[1] if isinstance(value, list) and len(value) == 2 else value

    def old(self, key: str):
        value = self.changes.get(key)
        return value[0] if isinstance(value, list) and len(value) == 2 else None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "—")


def _fields(model, names) -> str:
    """The fields a change touched, by their names in words (never their values: a phone or an ID
    number is not shown again here)."""
    words = []
    for name in names:
        try:
            words.append(str(model._meta.get_field(name).verbose_name))
        except Exception:  # noqa: BLE001 (a field since removed still reads as its name)
            words.append(name.replace("_", " "))
    return "、".join(words) if words else "—"


def _reason(w: _Words) -> list[str]:
    return [_("Reason: %(reason)s") % {"reason": w.get("reason")}] if w.get("reason") else []


def _tags(values) -> str:
    return "、".join(_label(VulnerabilityTag, v) for v in values or []) or _("none")


def _yes_full(w: _Words) -> str:
    return _("ID numbers and phones in full") if w.get("unmasked") else _("ID numbers and phones masked")


def vars_(w: _Words) -> dict[str, str]:
    return {"actor": w.actor, "person": w.person, "place": w.place}

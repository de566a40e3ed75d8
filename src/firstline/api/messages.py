"""What the API says about input that does not fit its schema, in the caller's language.

Pydantic's own messages are English and echo the rejected input back (which could carry an ID
number in clear); here each fault keeps only its place (`scans.3.tube_code`: the field, with the
row of a list) and a message that names the limit that was passed, like the domain's messages do.
"""

from django.utils.translation import gettext as _

_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _place(loc) -> str:
    """("body", "payload", "scans", 3, "tube_code") -> "scans.3.tube_code"; "__all__" for the whole input."""
    parts = list(loc or ())
    if parts and parts[0] == "body" and len(parts) > 2:
        parts = parts[2:]  # ("body", <the handler's parameter>, field, ...)
    elif parts and parts[0] in _SOURCES:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "__all__"


def _message(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This is missing.")
    if kind in ("string_too_long",):
        return _("At most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    if kind in ("string_too_short",):
        return _("At least %(limit)s characters.") % {"limit": ctx.get("min_length")}
    if kind == "too_long":
        return _("At most %(limit)s items.") % {"limit": ctx.get("max_length")}
    if kind == "too_short":
        return _("At least %(limit)s items.") % {"limit": ctx.get("min_length")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("At least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("At most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind in ("enum", "literal_error"):
        return _("Must be one of %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind.startswith("int_") or kind == "int_type":
        return _("A whole number.")
    if kind.startswith("bool"):
        return _("true or false.")
    if kind.startswith("string"):
        return _("Text.")
    if kind.startswith("uuid"):
        return _("A UUID, like 1b4e28ba-2fa1-11d2-883f-0016d3cca427.")
    if kind.startswith("date") or kind.startswith("time"):
        return _("A date or time written as text, like 2022-04-04 or 2022-04-04T06:30:00+08:00.")
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        return _("The wrong kind of value here (a list or an object is expected).")
    if kind == "value_error":
        # Our own validators (api/types.py) say what is wrong in words already.
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return str(error.get("msg", ""))


def schema_errors(errors: list[dict]) -> dict[str, list[str]]:
    """{place: [message, ...]} for the errors of a failed schema validation."""
    found: dict[str, list[str]] = {}
    for error in errors:
        found.setdefault(_place(error.get("loc")), []).append(_message(error))
    return found

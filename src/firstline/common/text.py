"""Free text typed by people (notes, reasons, names of places): trimmed, and refused past its limit.

Nothing is cut silently: a note longer than its column is a ValidationError on that field that says
the limit and how long the text is, so the person shortens it and nothing they wrote is lost.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def too_long(limit: int, length: int) -> str:
    """What to say of a text longer than its limit."""
    return _("At most %(limit)d characters; this has %(n)d. Shorten it and send it again.") % {
        "limit": limit,
        "n": length,
    }


def clean_text(value, *, field: str, max_length: int, required: bool = False, label: str = "") -> str:
    """`value` trimmed; ValidationError {field: ...} when it is longer than `max_length` characters
    (or empty while `required`)."""
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(
            {field: _("%(label)s is missing.") % {"label": label} if label else _("This is missing.")}
        )
    if len(text) > max_length:
        raise ValidationError({field: too_long(max_length, len(text))})
    return text

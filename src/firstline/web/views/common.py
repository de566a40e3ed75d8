"""Small pieces the page views share: breadcrumbs, and reading a form's numbers and dates.

The errors' mapping is `web.errors` (`submit`, `error_dict`, the middleware).
"""

import datetime as dt

from django.core.exceptions import ValidationError

from firstline.accounts.roles import Perm
from firstline.accounts.scope import can
from firstline.areas.models import Area
from firstline.areas.selectors import area_ancestors
from firstline.people.cleaning import parse_date

__all__ = ["breadcrumbs", "form_date", "whole_number"]


def breadcrumbs(user, area: Area) -> list[dict]:
    """Ancestors root first; those outside the user's scope are named but not linked."""
    return [{"area": a, "link": can(user, Perm.LEDGER_VIEW, a.path)} for a in area_ancestors(area=area)]


def whole_number(value, *, field: str, message: str) -> int:
    """A form's whole number (empty is 0); anything else is a ValidationError on `field`."""
    try:
        return int(value or 0)
    except (ValueError, TypeError):
        raise ValidationError({field: message}) from None


def form_date(value, *, field: str = "date") -> dt.date:
    """A form's date (empty is today); one that does not read as a date is a ValidationError on `field`."""
    try:
        return parse_date(value) or dt.date.today()  # noqa: DTZ011 (a date of the person's day)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None

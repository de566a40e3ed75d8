"""The value types of the API's inputs, with their limits written into the schema.

Every limit a service enforces is also declared here, so that a client (or a fuzzer) reads it in
the OpenAPI schema and a value past it is a 422 that names the field, never a 500 from the
database (an id past 64 bits, a negative sort key against a CHECK constraint, a time with a zone
that SQLite cannot store).

Body fields are strict: `true` is not the id 1 and "12" is not a count. Path and query parameters
arrive as text, so their integers are parsed, but bounded the same way.
"""

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, Strict, WithJsonSchema

MAX_ID = 2**63 - 1  # a bigint primary key
MAX_OFFSET = 1_000_000_000  # far past any list, and inside every database's integer
MAX_SORT_KEY = 1_000_000  # a PositiveIntegerField that orders siblings


def Int(minimum: int, maximum: int, description: str | None = None):  # noqa: N802 (reads as a type)
    """A whole number in a body, between two limits (both included)."""
    return Annotated[int, Strict(), Field(ge=minimum, le=maximum, description=description)]


def Text(max_length: int, *, min_length: int = 0, description: str | None = None):  # noqa: N802
    """Text of at most `max_length` characters (the column it is kept in): longer is refused, never cut."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, description=description)]


def IntOneOf(*allowed: int, description: str | None = None):  # noqa: N802
    """A whole number that must be one of `allowed` (a Literal would take `true` for 1)."""

    def check(value: int) -> int:
        if value not in allowed:
            raise ValueError(_("Must be one of %(choices)s.") % {"choices": ", ".join(map(str, allowed))})
        return value

    schema = {"type": "integer", "enum": list(allowed)}
    if description:
        schema["description"] = description
    return Annotated[int, Strict(), AfterValidator(check), WithJsonSchema(schema)]


Flag = Annotated[bool, Strict()]
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
IdParam = Annotated[int, Field(ge=1, le=MAX_ID)]


def _no_zone(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError(_("A time of day is local time: write it without a zone, like 06:30."))
    return value


# Opening hours are local times of day. The schema says so with a pattern rather than `format: time`,
# which in OpenAPI (RFC 3339) demands a zone offset.
TimeOfDay = Annotated[
    dt.time,
    AfterValidator(_no_zone),
    WithJsonSchema(
        {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$", "example": "06:30"}
    ),
]


def _plausible_day(value: dt.date) -> dt.date:
    if not 1900 <= value.year <= 2100:
        raise ValueError(_("The year must be between 1900 and 2100."))
    return value


def _written(value):
    """Dates and times come as ISO text: the number 0 is not 1970-01-01."""
    if isinstance(value, bool | int | float):
        raise ValueError(_("A date or time written as text, like 2022-04-04 or 2022-04-04T06:30:00+08:00."))
    return value


Day = Annotated[dt.date, BeforeValidator(_written), AfterValidator(_plausible_day)]


def _plausible_moment(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError(_("Give the time zone, like 2022-04-04T06:30:00+08:00."))
    _plausible_day(value.date())
    return value


Moment = Annotated[dt.datetime, BeforeValidator(_written), AfterValidator(_plausible_moment)]

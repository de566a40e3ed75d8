"""Limit/offset pages for the API's lists: one query per page, no COUNT over a city's ledger.

A page reads `limit + 1` rows; the extra row only tells whether a next page exists.
"""

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

from firstline.api.types import MAX_OFFSET, Int

MAX_LIMIT = 500
DEFAULT_LIMIT = 50


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page (at most 500).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")


class PageIn(Schema):
    """The same page, asked for in a JSON body (where `false` is not 0)."""

    limit: Int(1, MAX_LIMIT, "Rows per page (at most 500).") = DEFAULT_LIMIT
    offset: Int(0, MAX_OFFSET, "Rows to skip.") = 0


def page_of(queryset: QuerySet | list, query: PageQuery | PageIn) -> dict[str, Any]:
    """The page of `queryset` that `query` asks for, as the `Page` schemas expect it."""
    rows = list(queryset[query.offset : query.offset + query.limit + 1])
    more = len(rows) > query.limit
    return {
        "items": rows[: query.limit],
        "limit": query.limit,
        "offset": query.offset,
        "next_offset": query.offset + query.limit if more else None,
    }

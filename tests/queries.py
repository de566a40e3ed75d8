"""Counting the SQL a block of code runs: the one way the suite asserts what a page or a call costs.

    with assert_queries(4):              # exactly 4
        api.get(user, "/areas/")
    with at_most_queries(6):             # 6 or fewer
        ...
    with queries() as few:               # counted, to compare with a later run
        client.get(url)
    ...                                  # more rows
    with assert_queries(few):            # as many as `few` ran
        client.get(url)

On a failure the message lists every statement, numbered, and for a comparison the earlier run's too,
so that the extra query is found without running the test again.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext


class Queries:
    """The statements run inside a `with queries()` block (filled when the block ends)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def __repr__(self) -> str:
        return f"<Queries: {len(self)}>"

    def listing(self) -> str:
        return (
            "\n".join(f"{number:>3}. {sql}" for number, sql in enumerate(self.statements, start=1))
            or "  (none)"
        )


@contextmanager
def queries(using: str = DEFAULT_DB_ALIAS) -> Iterator[Queries]:
    """Count the queries of the block, asserting nothing."""
    captured = Queries()
    with CaptureQueriesContext(connections[using]) as context:
        yield captured
    captured.statements = [query["sql"] for query in context.captured_queries]


def _failure(what: str, captured: Queries, earlier: Queries | None = None) -> str:
    message = f"{what}, {len(captured)} ran:\n{captured.listing()}"
    if earlier is not None:
        message += f"\nThe earlier run's {len(earlier)}:\n{earlier.listing()}"
    return message


@contextmanager
def assert_queries(expected: "int | Queries", using: str = DEFAULT_DB_ALIAS) -> Iterator[Queries]:
    """The block runs exactly `expected` queries: a number, or as many as an earlier `queries()` run."""
    earlier = expected if isinstance(expected, Queries) else None
    count = len(earlier) if earlier is not None else expected
    with queries(using) as captured:
        yield captured
    if len(captured) != count:
        raise AssertionError(_failure(f"Expected {count} queries", captured, earlier))


@contextmanager
def at_most_queries(limit: int, using: str = DEFAULT_DB_ALIAS) -> Iterator[Queries]:
    """The block runs no more than `limit` queries."""
    with queries(using) as captured:
        yield captured
    if len(captured) > limit:
        raise AssertionError(_failure(f"Expected at most {limit} queries", captured))

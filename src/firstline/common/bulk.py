"""Set-based inserts that say which rows were new: `INSERT … ON CONFLICT DO NOTHING RETURNING`.

Django's `bulk_create(ignore_conflicts=True)` cannot tell which rows it skipped. The scan pipeline
must know, row by row, whether a sample was stored now or was already there, so it inserts through
here: on PostgreSQL one statement over `unnest()` of one array per column (a few parameters,
whatever the number of rows); on SQLite multi-row VALUES in chunks under its parameter limit.
"""

import datetime as dt
import uuid
from collections.abc import Sequence

from django.db import connection, models
from django.db.models.expressions import RawSQL

_SQLITE_MAX_PARAMS = 30000


def _column(model: type[models.Model], attname: str) -> models.Field:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise ValueError(f"{model.__name__} has no column {attname}")


# Python types that a column's get_db_prep_value returns unchanged on both backends: a column whose
# values are all of these is sent as it is, without a method call per value (the scan pipeline
# inserts thousands of rows at once).
_AS_IS: dict[str, tuple[type, ...]] = {
    "AutoField": (int,),
    "BigAutoField": (int,),
    "SmallAutoField": (int,),
    "IntegerField": (int,),
    "BigIntegerField": (int,),
    "SmallIntegerField": (int,),
    "PositiveIntegerField": (int,),
    "PositiveBigIntegerField": (int,),
    "PositiveSmallIntegerField": (int,),
    "CharField": (str,),
    "TextField": (str,),
    "BooleanField": (bool,),
}


def _as_is_types(field: models.Field) -> tuple[type, ...]:
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    kind = field.get_internal_type()
    if connection.vendor == "postgresql":
        # psycopg takes UUIDs and aware datetimes natively; Django's PostgreSQL backend passes them through.
        if kind == "UUIDField":
            return (uuid.UUID,)
        if kind == "DateTimeField":
            return (dt.datetime,)
    return _AS_IS.get(kind, ())


def _prepared(field: models.Field, values: list) -> list:
    """The column's values as the database takes them (the same as get_db_prep_value, faster)."""
    kinds = _as_is_types(field)
    if kinds:
        aware = kinds == (dt.datetime,)
        if all(v is None or (type(v) in kinds and (not aware or v.tzinfo is not None)) for v in values):
            return values
    return [field.get_db_prep_value(v, connection) for v in values]


def _pg_array_type(field: models.Field) -> str:
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if isinstance(field, models.BigAutoField):
        return "bigint"
    if isinstance(field, models.AutoField):
        return "integer"
    db_type = field.db_type(connection).split("(")[0].strip()
    return {"varchar": "text", "timestamp with time zone": "timestamptz"}.get(db_type, db_type)


def insert_returning(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence],
    *,
    returning: Sequence[str] = ("id",),
) -> list[tuple]:
    """Insert `rows` (tuples in the order of `columns`, by attname), skipping any row that breaks a
    unique constraint; returns the `returning` columns of the rows really inserted, as tuples."""
    if not rows:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    fields = [_column(model, name) for name in columns]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    returned = [_column(model, name) for name in returning]
    ret = ", ".join(connection.ops.quote_name(f.column) for f in returned)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = [_prepared(f, [row[i] for row in rows]) for i, f in enumerate(fields)]
            # A column with one value in every row (the round, the user, the time stored) is sent
            # once rather than as an array: turning arrays into SQL literals is most of the cost.
            same = [
                len(rows) > 1 and all(v is values[0] or v == values[0] for v in values) for values in arrays
            ]
            if all(same):
                same[0] = False
            unnested = [i for i in range(len(fields)) if not same[i]]
            select = ", ".join(
                f"%s::{_pg_array_type(f)}" if same[i] else f"u.c{i}" for i, f in enumerate(fields)
            )
            casts = ", ".join(f"%s::{_pg_array_type(fields[i])}[]" for i in unnested)
            aliases = ", ".join(f"c{i}" for i in unnested)
            params = [arrays[i][0] for i in range(len(fields)) if same[i]] + [arrays[i] for i in unnested]
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {select} FROM unnest({casts}) AS u({aliases}) "  # noqa: S608
                f"ON CONFLICT DO NOTHING RETURNING {ret}",
                params,
            )
            return [tuple(row) for row in cursor.fetchall()]
        inserted = []
        per_chunk = max(1, _SQLITE_MAX_PARAMS // len(fields))
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for start in range(0, len(rows), per_chunk):
            chunk = rows[start : start + per_chunk]
            prepared = [_prepared(f, [row[i] for row in chunk]) for i, f in enumerate(fields)]
            params = [value for row in zip(*prepared, strict=True) for value in row]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))} ON CONFLICT DO "
                f"NOTHING RETURNING {ret}",  # noqa: S608
                params,
            )
            inserted.extend(cursor.fetchall())
        return [tuple(f.to_python(v) for f, v in zip(returned, row, strict=True)) for row in inserted]


def in_values(model: type[models.Model], attname: str, values) -> list | RawSQL:
    """The right-hand side of `<attname>__in` for many values. On PostgreSQL the values go as one
    array (`IN (SELECT unnest(%s))`): a list of thousands of placeholders costs more to build and
    to parse than the query costs to run. Elsewhere, the plain list."""
    values = list(values)
    if connection.vendor != "postgresql" or len(values) < 50:
        return values
    field = _column(model, attname)
    return RawSQL(f"SELECT unnest(%s::{_pg_array_type(field)}[])", [_prepared(field, values)])  # noqa: S608


def in_sql(column_sql: str, model: type[models.Model], attname: str, values) -> tuple[str, list]:
    """`<column_sql> IN (…)` for hand-written SQL, and its parameters: one array on PostgreSQL,
    one placeholder a value elsewhere."""
    field = _column(model, attname)
    values = _prepared(field, list(values))
    if connection.vendor == "postgresql":
        return f"{column_sql} = ANY(%s::{_pg_array_type(field)}[])", [values]
    return f"{column_sql} IN ({', '.join(['%s'] * len(values))})", values

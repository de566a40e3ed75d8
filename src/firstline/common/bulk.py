"""Set-based inserts that say which rows were new: `INSERT … ON CONFLICT DO NOTHING RETURNING`.

Django's `bulk_create(ignore_conflicts=True)` cannot tell which rows it skipped. The scan pipeline
must know, row by row, whether a sample was stored now or was already there, so it inserts through
here: on PostgreSQL one statement over `unnest()` of one array per column (a few parameters,
whatever the number of rows); on SQLite multi-row VALUES in chunks under its parameter limit.
"""

from collections.abc import Sequence

from django.db import connection, models

_SQLITE_MAX_PARAMS = 30000


def _column(model: type[models.Model], attname: str) -> models.Field:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise ValueError(f"{model.__name__} has no column {attname}")


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
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence], *, returning: Sequence[str] = ("id",)
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
            arrays = [
                [f.get_db_prep_value(row[i], connection) for row in rows] for i, f in enumerate(fields)
            ]
            casts = ", ".join(f"%s::{_pg_array_type(f)}[]" for f in fields)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM unnest({casts}) ON CONFLICT DO NOTHING RETURNING {ret}",  # noqa: S608
                arrays,
            )
            return [tuple(row) for row in cursor.fetchall()]
        inserted = []
        per_chunk = max(1, _SQLITE_MAX_PARAMS // len(fields))
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for start in range(0, len(rows), per_chunk):
            chunk = rows[start : start + per_chunk]
            params = [f.get_db_prep_value(row[i], connection) for row in chunk for i, f in enumerate(fields)]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))} ON CONFLICT DO NOTHING RETURNING {ret}",  # noqa: S608
                params,
            )
            inserted.extend(cursor.fetchall())
        return [tuple(f.to_python(v) for f, v in zip(returned, row, strict=True)) for row in inserted]

"""Row writing: COPY on PostgreSQL, bulk_create elsewhere, with the seeded history's own times."""

import json
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, models

from grants.models import Program

from .shape import COUNTED_MODELS

BATCH = 4000


@contextmanager
def _explicit_timestamps() -> Iterator[None]:
    """``bulk_create`` stamps auto_now / auto_now_add fields with the wall clock; the seeded
    history needs its own times, so the flags are off while seeding and restored after."""
    fields = [
        f
        for model in (*COUNTED_MODELS, Program)
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class _Row:
    """A row to write, read and set like a model instance without a model instance's cost
    (building a million model instances, and bulk_create preparing each value, is most of the
    time bulk_create takes)."""

    def __init__(self, **values):
        self.__dict__.update(values)


def _insert(model: type[models.Model], rows: list[_Row], *, ids: bool = True) -> list[_Row]:
    """Write ``rows`` to ``model``'s table and give each its ``pk`` (when ``ids``). On
    PostgreSQL with COPY, the ids reserved from the table's sequence first; elsewhere (SQLite,
    the tests' small data) with bulk_create. Fields a row leaves out get their default."""
    if not rows:
        return rows
    if connection.vendor == "postgresql":
        _copy(model, rows, ids=ids)
        return rows
    objects = [model(**row.__dict__) for row in rows]
    model.objects.bulk_create(objects, batch_size=BATCH)
    for row, obj in zip(rows, objects, strict=True):
        row.pk = row.id = obj.pk
    return rows


def _copy(model: type[models.Model], rows: list[_Row], *, ids: bool) -> None:
    from psycopg import sql

    table = model._meta.db_table
    fields = [f for f in model._meta.concrete_fields if ids or not f.primary_key]
    columns = [(f.attname, None if f.primary_key else f.get_default()) for f in fields]
    as_json = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    )
    connection.ensure_connection()
    # The psycopg connection under Django's: the same transaction, and no query log to fill.
    with connection.connection.cursor() as cursor:
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) "
                "ORDER BY 1",
                [table, model._meta.pk.column, len(rows)],
            )
            for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
                row.pk = row.id = pk
        with cursor.copy(statement) as copy:
            for row in rows:
                values = row.__dict__
                out = [values.get(name, default) for name, default in columns]
                for index in as_json:
                    out[index] = json.dumps(out[index])
                copy.write_row(out)

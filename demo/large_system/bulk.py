"""Writing many rows fast: COPY on PostgreSQL, plain INSERTs on SQLite.

Rows are tuples in the order of the attribute names given (``"person_id"``,
not ``"person"``). On PostgreSQL they stream through psycopg's
``cursor.copy()``; only JSON and encrypted columns are converted on the way.
On SQLite (tests at a tiny scale) every value goes through its field's own
``get_db_prep_save``. Either way nothing runs ``auto_now_add``, so rows keep
the times the generator gave them.
"""

from collections.abc import Iterable, Iterator

from django.core.management.color import no_style
from django.db import connection, models
from psycopg.types.json import Jsonb

from confidentiality.fields import EncryptedTextField

BATCH = 5_000


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of a table, for rows written with explicit ids."""
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def rows_insert(
    model: type[models.Model], names: list[str], rows: Iterable[tuple]
) -> int:
    """Write rows into a model's table; how many."""
    fields = [_field(model, name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    table = quote(model._meta.db_table)
    if connection.vendor == "postgresql":
        return _copy(table, columns, fields, rows)
    return _insert(table, columns, fields, rows)


def sequences_reset(*models_written: type[models.Model]) -> None:
    """Move the id sequences past rows written with explicit ids (PostgreSQL only)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_written))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _field(model: type[models.Model], name: str) -> models.Field:
    for field in model._meta.concrete_fields:
        if name in (field.attname, field.name):
            return field
    raise ValueError(f"{model.__name__} has no field {name!r}")


def _copy(table: str, columns: str, fields: list, rows: Iterable[tuple]) -> int:
    converters = [_pg_converter(field) for field in fields]
    if any(converters):
        rows = _converted(rows, converters)
    written = 0
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def _pg_converter(field: models.Field):
    if isinstance(field, models.JSONField):
        return lambda value: None if value is None else Jsonb(value)
    if isinstance(field, EncryptedTextField):
        return field.get_prep_value
    return None


def _converted(rows: Iterable[tuple], converters: list) -> Iterator[tuple]:
    for row in rows:
        yield tuple(
            value if convert is None else convert(value)
            for value, convert in zip(row, converters, strict=True)
        )


def _insert(table: str, columns: str, fields: list, rows: Iterable[tuple]) -> int:
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - model names
    written = 0
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(
                tuple(
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(fields, row, strict=True)
                )
            )
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written

"""Writing many saved rows at once."""

from django.db import connections, router


def update_rows(objs, fields) -> int:
    """Save `fields` of saved instances of one model in a single statement.

    On PostgreSQL: UPDATE … FROM (VALUES …), each value cast to its column's type; Django's own
    bulk_update builds a CASE expression per row and field, which costs far more in Python for the
    same effect. Elsewhere (SQLite in development) it is bulk_update. Returns the rows updated."""
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return model.objects.bulk_update(objs, fields)
    meta = model._meta
    qn = connection.ops.quote_name
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    row = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in [pk, *columns]) + ")"
    params = []
    for obj in objs:
        params.append(pk.get_db_prep_save(obj.pk, connection))
        params.extend(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns)
    names = ", ".join(qn(field.column) for field in [pk, *columns])
    sets = ", ".join(f"{qn(field.column)} = v.{qn(field.column)}" for field in columns)
    sql = (
        f"UPDATE {qn(meta.db_table)} AS t SET {sets} FROM (VALUES {', '.join([row] * len(objs))}) AS v ({names}) "
        f"WHERE t.{qn(pk.column)} = v.{qn(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def insert_rows(objs) -> list:
    """Insert new instances of one model in bulk and give them their primary keys.

    On PostgreSQL: the keys are drawn from the table's sequence in one query, then the rows go in
    by COPY, which psycopg formats in C (bulk_create's INSERT … UNNEST escapes every array element
    in Python). Like bulk_create, no save() and no signals; a related instance saved earlier
    (e.g. a decision bulk-inserted just before its events) fills its foreign key. Elsewhere it is
    bulk_create."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs)
    meta = model._meta
    qn = connection.ops.quote_name
    fields = meta.concrete_fields
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert_rows")
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [qn(meta.db_table), meta.pk.column, len(objs)])
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        rows = [[field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields] for obj in objs]
        columns = ", ".join(qn(field.column) for field in fields)
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {qn(meta.db_table)} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs

"""What the registry services share: their errors, the operation log, reading what callers pass."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection

from najiz.common import clock
from najiz.common.identifiers import normalize_digits
from najiz.common.money import checked_amount

from ..models import Entity, Person, RegistryOperation


class RegistryError(Exception):
    """A registry refused an operation."""


class BankError(RegistryError):
    """The bank refused: unknown or closed account, bad amount. Payment code may retry."""


class InsufficientFunds(BankError):
    """The account's available balance does not cover a debit."""


class DeedError(RegistryError):
    """The real-estate registry refused an operation on a deed."""


class UnknownSubject(RegistryError):
    """The person or entity is not in the civil or commercial registry."""


def _money(amount) -> Decimal:
    try:
        return checked_amount(amount)
    except ValidationError as error:
        raise BankError(f"Not an amount (SAR, two places, not negative): {amount!r}") from error


def _ref(ref) -> str:
    text = str(ref or "").strip()
    if not text or len(text) > 64:
        raise ValueError("A registry operation needs a ref (the case number) of at most 64 characters.")
    return text


def _claim(operation: str, ref: str, target: str) -> tuple[RegistryOperation, bool]:
    """Record the operation once; (row, True) for the first call, (row, False) for a replay.

    One INSERT ... ON CONFLICT DO NOTHING, not get_or_create's read, savepoint and insert: a
    national sweep makes tens of thousands of these. A concurrent first call blocks on the unique
    index until the other commits, then finds no row inserted and reads the other's.
    """
    key = (operation, _ref(ref), target)
    return _claim_many([key])[key]


def _claim_many(keys) -> dict[tuple[str, str, str], tuple[RegistryOperation, bool]]:
    """_claim for many (operation, ref, target) keys in one INSERT: each key's (row, first). The
    keys are inserted in order, so two callers with keys in common wait for each other rather than
    deadlock."""
    keys = sorted({(operation, _ref(ref), target) for operation, ref, target in keys})
    if not keys:
        return {}
    at = clock.now()
    table = connection.ops.quote_name(RegistryOperation._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (operation, ref, target, result, at) VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s)"] * len(keys))
            + " ON CONFLICT (operation, ref, target) DO NOTHING RETURNING id, operation, ref, target",
            [value for key in keys for value in (*key, "{}", stamp)],
        )
        inserted = {(operation, ref, target): pk for pk, operation, ref, target in cursor.fetchall()}
    claims = {}
    for key in keys:
        if key in inserted:
            op = RegistryOperation(pk=inserted[key], operation=key[0], ref=key[1], target=key[2], result={}, at=at)
            op._state.adding, op._state.db = False, connection.alias  # as if read from the row it is
            claims[key] = (op, True)
        else:  # a replay: what the first call recorded
            claims[key] = (RegistryOperation.objects.get(operation=key[0], ref=key[1], target=key[2]), False)
    return claims


def _done(op: RegistryOperation, **result) -> None:
    op.result = result
    op.save(update_fields=["result"])


def subject_key(subject) -> str:
    """A stable text key for a person ("person:<id>") or an entity ("entity:<CR>")."""
    if isinstance(subject, Person):
        return f"person:{subject.national_id}"
    if isinstance(subject, Entity):
        return f"entity:{subject.cr_number}"
    raise UnknownSubject(f"Not a person or an entity: {subject!r}")


def _subject_filter(subject) -> dict:
    return {"person": subject} if isinstance(subject, Person) else {"entity": subject}


def _text(value, max_length: int) -> str:
    """The input as typed (spaces dropped, Arabic-Indic digits made ASCII), or "" for junk."""
    try:
        text = normalize_digits(value) if value is not None else ""
    except Exception:
        return ""
    if len(text) > max_length or not text.isprintable():
        return ""  # control characters (a NUL byte would upset the database) are never a number
    return text

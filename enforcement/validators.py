"""The checks of a filing (طلب تنفيذ) on plain values. The web form (forms.FilingForm) and the
business API (linkage.api, through `filing`) both call them, so a person and a client system get
the same answers in the same words.

Each check takes what was typed, raises ValidationError with the message and code shown, and
returns what it checked. Nothing here tells a person more than they may know: an instrument is
described only to its creditor (or a representative of the creditor entity); otherwise it is
"not found". A debtor's name is shown only when the number is a debtor on such an instrument.
"""

import re
import unicodedata

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator, ProhibitNullCharactersValidator
from django.forms import Field
from django.utils.translation import gettext_lazy as _

from najiz.common.identifiers import is_valid_national_id, is_valid_saudi_iban, normalize_digits, normalize_iban
from najiz.common.money import HALALA
from najiz.registries import services as registries

MAX_DEBTORS = 10
CR_RE = re.compile(r"^\d{10}$")
# The longest text each field takes, as typed.
MAX_LENGTHS = {"instrument_number": 30, "debtor_ids": 200, "iban": 40}


def split_ids(value) -> list[str]:
    """Ids typed separated by commas, spaces or new lines (Arabic comma too), in order, once each."""
    text = str(value or "").translate(str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789"))
    seen = []
    for part in re.split(r"[\s,،;؛]+", text):
        if part and part not in seen:
            seen.append(part)
    return seen


def printable(value) -> str:
    """The text without control characters (NUL and the like), which no registry number contains."""
    return "".join(char for char in str(value or "") if unicodedata.category(char)[0] != "C")


def is_id_or_cr(value: str) -> bool:
    """A national id / iqama (with its check digit) or a 10-digit commercial registration number."""
    return is_valid_national_id(value) or bool(CR_RE.fullmatch(value))


def same_party(a, b) -> bool:
    return a is not None and b is not None and type(a) is type(b) and a.pk == b.pk


def _is_party(instrument, *, creditor, person) -> bool:
    """The person is the instrument's creditor, or represents the creditor entity."""
    holder = registries.instrument_creditor(instrument)
    if same_party(holder, creditor) or same_party(holder, person):
        return True
    return person is not None and hasattr(holder, "cr_number") and registries.represents(person, holder)


# --- the checks ---------------------------------------------------------------------------------
# `creditor` is who files: the entity the person acts as, or the person.


def instrument(number: str, *, creditor, person):
    """The instrument with this number, if the person may file on it."""
    found = registries.instrument(normalize_digits(number))
    if found is None or not _is_party(found, creditor=creditor, person=person):
        raise ValidationError(_("No execution instrument with this number was found for you."), code="not_found")
    return found


def acting_as_creditor(instrument, *, creditor) -> None:
    """The instrument is filed by its own creditor: a representative acts as the entity to file it."""
    if not same_party(registries.instrument_creditor(instrument), creditor):
        raise ValidationError(
            _("The creditor on this instrument is %(creditor)s: switch to acting as them to file it."),
            code="act_as_creditor", params={"creditor": registries.instrument_creditor(instrument).display_name},
        )


def _key(party) -> str:
    return getattr(party, "cr_number", None) or party.national_id


def debtor_ids(value, *, instrument=None) -> tuple[list[str], list[tuple[str, str]]]:
    """The debtors' ids, in order, and (id, name) of each once they are checked on the instrument."""
    ids = split_ids(value)
    if not ids:
        raise ValidationError(_("Enter at least one debtor."), code="required")
    if len(ids) > MAX_DEBTORS:
        raise ValidationError(_("Enter at most %(max)d debtors."), code="too_many", params={"max": MAX_DEBTORS})
    bad = [value for value in ids if not is_id_or_cr(value)]
    if bad:
        raise ValidationError(
            _("Not a valid national ID, iqama or CR number: %(ids)s"),
            code="invalid_id",
            params={"ids": "، ".join(bad)[:120]},
        )
    if instrument is None:
        return ids, []
    on_instrument = {_key(debtor): debtor for debtor in registries.instrument_debtors(instrument)}
    missing = [value for value in ids if value not in on_instrument]
    if missing:
        raise ValidationError(
            _("Not a debtor on this instrument: %(ids)s"), code="not_debtor", params={"ids": "، ".join(missing)}
        )
    return ids, [(value, on_instrument[value].display_name) for value in ids]


def amount(value, *, instrument=None):
    """An amount claimed, within the instrument's amount."""
    if instrument is not None and value > instrument.amount:
        raise ValidationError(_("The amount is more than the instrument's amount."), code="above_instrument")
    return value


def iban(value) -> tuple[str, str]:
    """The IBAN, normalised, and the name of its bank when the banks registry knows the account."""
    value = normalize_iban(value)
    if not is_valid_saudi_iban(value):
        raise ValidationError(_("Enter a valid Saudi IBAN: 24 characters starting with SA."), code="invalid_iban")
    account = registries.account(value)
    return value, str(account.bank) if account is not None else ""


def has_creditor(creditor) -> None:
    if creditor is None:
        raise ValidationError(
            _("Your record was not found in the civil registry, so you cannot file a request."), code="no_person"
        )


# --- a whole filing, as the API sends it ---------------------------------------------------------


def _text(value, field: str) -> str:
    """What the form's text fields make of a value: trimmed, required, not too long, no NUL."""
    value = str(value).strip()
    if not value:
        raise ValidationError(Field.default_error_messages["required"], code="required")
    errors = []
    for check in (MaxLengthValidator(MAX_LENGTHS[field]), ProhibitNullCharactersValidator()):
        try:
            check(value)
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return value


def filing(values: dict, *, person, acting_entity) -> dict:
    """Every check of the filing form on `values` (instrument_number, debtor_ids as text, amount as
    a Decimal, iban): the cleaned values, or ValidationError with each field's errors in the
    form's order (NON_FIELD_ERRORS last)."""
    creditor = acting_entity or person
    cleaned, errors, found = {}, {}, None
    try:
        found = instrument(_text(values["instrument_number"], "instrument_number"), creditor=creditor, person=person)
        acting_as_creditor(found, creditor=creditor)
        cleaned["instrument_number"] = found.number
    except ValidationError as error:
        errors["instrument_number"] = error.error_list
    try:
        cleaned["debtor_ids"], _names = debtor_ids(_text(values["debtor_ids"], "debtor_ids"), instrument=found)
    except ValidationError as error:
        errors["debtor_ids"] = error.error_list
    try:
        MinValueValidator(HALALA)(values["amount"])
        cleaned["amount"] = amount(values["amount"], instrument=found)
    except ValidationError as error:
        errors["amount"] = error.error_list
    try:
        cleaned["iban"], _bank = iban(_text(values["iban"], "iban"))
    except ValidationError as error:
        errors["iban"] = error.error_list
    try:
        has_creditor(creditor)
    except ValidationError as error:
        errors[NON_FIELD_ERRORS] = error.error_list
    if errors:
        raise ValidationError(errors)
    return cleaned

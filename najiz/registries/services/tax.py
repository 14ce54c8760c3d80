"""The tax authority and the housing registry: a real-estate disposal registered with its tax,
the tax marked paid (a receipt number) or refunded, and the first-home certificate."""

from decimal import Decimal

from django.db import transaction

from najiz.common import clock
from najiz.common.money import ZERO, to_sar

from ..models import Account, Bank, Entity, FirstHomeCertificate, NumberSequence, RealEstateTransaction, TaxPayer
from .base import RegistryError, _claim, _done, _money, _text
from .civil import _as_person

FIRST_HOME_EXEMPT = Decimal("1000000.00")  # the state bears the tax on this much of a first home

# The tax authority's account, to which the court pays the transaction tax it collected.
TAX_AUTHORITY_CR = "7000000002"
TAX_AUTHORITY_NAME = ("هيئة الزكاة والضريبة والجمارك", "Zakat, Tax and Customs Authority")
TAX_AUTHORITY_IBAN = "SA7910000000000000000002"  # make_saudi_iban("10", "2"), at the Saudi National Bank


class TaxError(RegistryError):
    """The tax authority refused: a bad rate, amount or payer."""


def first_home_certificate(person) -> FirstHomeCertificate | None:
    """The person's first-home certificate in force (in date, not used), or None."""
    who = _as_person(person)
    if who is None:
        return None
    for certificate in FirstHomeCertificate.objects.filter(person=who).order_by("number"):
        if certificate.in_force:
            return certificate
    return None


def tax_due(price, rate, exempt=ZERO) -> Decimal:
    """The tax on the price less its exempt part, to the halala (half up)."""
    taxable = max(_money(price) - _money(exempt), ZERO)
    return to_sar(taxable * Decimal(rate))


def _next_number(name: str, prefix: str) -> str:
    counter, _created = NumberSequence.objects.get_or_create(name=name)
    counter = NumberSequence.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}{counter.last:010d}"


def tax_authority_account() -> Account:
    """The tax authority's account at the bank (made, with the authority, when missing)."""
    from .banks import COURT_TRUST_BANK

    found = Account.objects.filter(iban=TAX_AUTHORITY_IBAN).first()
    if found:
        return found
    name_ar, name_en = TAX_AUTHORITY_NAME
    authority, _created = Entity.objects.get_or_create(
        cr_number=TAX_AUTHORITY_CR, defaults={"name_ar": name_ar, "name_en": name_en}
    )
    code, bank_ar, bank_en = COURT_TRUST_BANK
    bank, _created = Bank.objects.get_or_create(code=code, defaults={"name_ar": bank_ar, "name_en": bank_en})
    account, _created = Account.objects.get_or_create(
        iban=TAX_AUTHORITY_IBAN, defaults={"bank": bank, "entity": authority}
    )
    return account


def tax_transaction(number) -> RealEstateTransaction | None:
    text = _text(number, 20)
    return RealEstateTransaction.objects.filter(number=text).first() if text else None


@transaction.atomic
def register_transaction(*, ref, deed_number, sellers, buyers, price, payer, payer_id, rate,
                         exempt_limit=FIRST_HOME_EXEMPT) -> RealEstateTransaction:
    """Register a disposal and its tax: `rate` of the price, less the first `exempt_limit` when
    the buyer holds a first-home certificate in force. Once per ref: a repeat returns the first."""
    op, first = _claim("register_transaction", ref, f"deed:{deed_number}")
    if not first:
        return RealEstateTransaction.objects.get(pk=op.result["transaction_id"])
    if payer not in TaxPayer.values:
        raise TaxError(f"The tax is paid by the seller or the buyer, not {payer!r}.")
    rate = Decimal(rate)
    if not (0 <= rate < 1):
        raise TaxError(f"Not a tax rate: {rate}")
    price = _money(price)
    buyer_ids = [person.national_id for person in buyers]
    certificate = first_home_certificate(buyers[0]) if len(buyers) == 1 else None
    exempt = min(price, _money(exempt_limit)) if certificate else ZERO
    row = RealEstateTransaction.objects.create(
        number=_next_number("rett", "RT"), ref=op.ref, deed_number=deed_number,
        seller_ids=[person.national_id for person in sellers], buyer_ids=buyer_ids, price=price, rate=rate,
        exempt_amount=exempt, certificate_number=certificate.number if certificate else "",
        tax=tax_due(price, rate, exempt), payer=payer, payer_id_number=str(payer_id)[:10],
    )
    _done(op, transaction_id=row.pk)
    return row


@transaction.atomic
def record_tax_paid(number) -> RealEstateTransaction:
    """The tax is in: a receipt number is issued, and a first-home certificate is used. Repeats
    return the same receipt."""
    row = RealEstateTransaction.objects.select_for_update().get(number=number)
    if row.status == RealEstateTransaction.Status.PAID:
        return row
    if row.status != RealEstateTransaction.Status.REGISTERED:
        raise TaxError(f"Tax transaction {row.number} is {row.status}.")
    row.status, row.paid_at = RealEstateTransaction.Status.PAID, clock.now()
    row.receipt_number = _next_number("tax_receipt", "ZR")
    row.save(update_fields=["status", "paid_at", "receipt_number"])
    if row.certificate_number:
        FirstHomeCertificate.objects.filter(number=row.certificate_number, used_ref="").update(used_ref=row.ref)
    return row


@transaction.atomic
def refund_tax(number) -> RealEstateTransaction:
    """The disposal did not happen: the tax is refunded (the money moves in payments) and a
    first-home certificate used for it is free again. Repeats change nothing."""
    row = RealEstateTransaction.objects.select_for_update().get(number=number)
    if row.status != RealEstateTransaction.Status.REFUNDED:
        row.status, row.refunded_at = RealEstateTransaction.Status.REFUNDED, clock.now()
        row.save(update_fields=["status", "refunded_at"])
        FirstHomeCertificate.objects.filter(number=row.certificate_number, used_ref=row.ref).update(used_ref="")
    return row

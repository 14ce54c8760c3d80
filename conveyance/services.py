"""Commands of the electronic conveyance. Each is one transaction; tasks and notifications go out
on commit. Automatic steps lock the conveyance row and do nothing if the step was already done.

Row locks, always in this order: Conveyance, Consent, then (inside the registries and payments
services) Deed, Invoice, ledger account.
"""

from fractions import Fraction

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from najiz.casefile import services as casefile
from najiz.casefile.models import Actor
from najiz.casefile.rules import failed, result
from najiz.casefile.workflow import Workflow
from najiz.common import clock
from najiz.common.identifiers import normalize_digits
from najiz.common.money import checked_amount, format_sar, format_share, sar_text, split_by_shares
from najiz.common.tasks import enqueue_on_commit
from najiz.registries import services as registries

from . import alerts, buyers as named_buyers, rules, signals
from .eligibility import gather_inputs
from .models import Buyer, Consent, Conveyance
from .states import (
    CANCELLABLE,
    MACHINE,
    WAITING,
    Answer,
    BuyersPay,
    Capacity,
    Kind,
    PaymentMethod,
    Status,
    TaxPayer,
)


class ConveyanceError(Exception):
    """A command refused; `message` is a translatable text for the person who asked."""

    def __init__(self, message, code="refused"):
        super().__init__(str(message))
        self.message, self.code = message, code


WORKFLOW = Workflow(MACHINE, Conveyance, event_params=lambda conveyance: {"number": conveyance.number},
                    announce=signals.announce)
locked = WORKFLOW.locked
# The one place a conveyance changes state (the caller holds the row lock); `changed`: the other
# fields the caller set.
transition = WORKFLOW.move


def enqueue_advance(conveyance: Conveyance):
    from .tasks import advance

    enqueue_on_commit(advance, conveyance.pk)


def first_iban(person) -> str:
    for account in registries.accounts_of(person) if person is not None else []:
        if account.is_open:
            return account.iban
    return ""


def _ttl_end():
    return clock.now() + settings.CONVEYANCE_OFFER_TTL


# --- filing ---------------------------------------------------------------------------------


def seller_side(deed, heirs_deed=None) -> list[tuple]:
    """(person, role, exact share of the whole deed) of everyone who gives up a share: the living
    owners, and in place of a deceased owner named on `heirs_deed`, that owner's heirs, each the
    owner's share times the heir's (1/2 × 7/24 = 7/48). A share is (numerator, denominator) in
    the heirs deed's terms (a whole deed's heir keeps 7/24), a Fraction if one person has two."""
    sellers: dict[int, list] = {}
    for row in deed.owner_rows.all():
        owner = row.person
        if heirs_deed is not None and owner.pk == heirs_deed.deceased_id:
            for heir in heirs_deed.shares.select_related("heir").all():
                entry = sellers.setdefault(heir.heir.pk, [heir.heir, Consent.Role.HEIR, []])
                entry[2].append((row.share_numerator * heir.share_numerator,
                                 row.share_denominator * heir.share_denominator))
        else:
            entry = sellers.setdefault(owner.pk, [owner, Consent.Role.OWNER, []])
            entry[2].append((row.share_numerator, row.share_denominator))
    return [
        (who, role, terms[0] if len(terms) == 1 else sum((Fraction(*t) for t in terms), Fraction(0)))
        for who, role, terms in sellers.values()
    ]


def _sellers(deed, heirs, *, share_only: bool, answering_for) -> list[tuple]:
    """Who gives up a share: everyone on the seller side, or, when an owner sells only their own
    share, that owner alone."""
    sellers = seller_side(deed, heirs)
    if share_only:
        sellers = [row for row in sellers if row[0].pk == answering_for]
    return sellers


def _buyer_rows(pairs, sellers, filer) -> list[tuple]:
    """The buyers named on filing as (person or None, id, exact share); ConveyanceError for a bad
    list (named_buyers.checked) or, among several buyers, an id not in the civil registry."""
    try:
        rows = named_buyers.checked(pairs, seller_ids=[filer.national_id, *(p.national_id for p, _r, _s in sellers)])
    except named_buyers.BuyersRefused as refused:
        raise ConveyanceError(refused.message, refused.code) from None
    found = []
    for number, share in rows:
        person = registries.person(number)
        if person is None and len(rows) > 1:
            raise ConveyanceError(named_buyers.NOT_FOUND % {"id": number}, "buyer_id")
        found.append((person, number, share))
    return found


@transaction.atomic
def file(*, user, capacity, deed_number, price, buyer_id="", buyers=None, payment_method=PaymentMethod.MADA,
         heirs_deed_number="", poa_number="", acting_entity=None, tax_payer=TaxPayer.SELLER,
         buyers_pay=BuyersPay.EACH, share_only=False) -> Conveyance:
    """The seller files: the conveyance is numbered, submitted and queued for the eligibility
    checks. `buyers` [(id, share)] names several buyers with exact shares adding up to 1 (or
    `buyer_id` one buyer of the whole); `share_only`: an owner sells only their own share, the
    other owners keeping theirs. The filer's own consent (or their principal's) waits, like every
    other, for their Nafath approval. Refused (ConveyanceError) while acting for an entity, for an
    unknown deed, a bad list of buyers, or when another conveyance is open on the deed (the
    partial unique index decides under a race); nothing is recorded then."""
    if acting_entity is not None:
        raise ConveyanceError(
            _("Electronic conveyance is for individuals only: switch to acting for yourself."), "entity"
        )
    if capacity not in Capacity.values:
        raise ConveyanceError(_("Choose in what capacity you sell."), "capacity")
    if tax_payer not in TaxPayer.values:
        raise ConveyanceError(_("Choose who pays the real-estate transaction tax: the seller or the buyer."),
                              "tax_payer")
    if buyers_pay not in BuyersPay.values:
        raise ConveyanceError(_("Choose how the buyers pay the price: each their share, or the first buyer all."),
                              "buyers_pay")
    if share_only and capacity == Capacity.HEIR:
        raise ConveyanceError(_("Only an owner, or an owner's agent, may sell an owner's share alone."), "share_only")
    filer = registries.person(user.national_id)
    if filer is None:
        raise ConveyanceError(_("You are not found in the civil registry."), "filer")
    deed = registries.deed(normalize_digits(deed_number))
    if deed is None:
        raise ConveyanceError(_("No deed with this number is registered."), "deed")
    heirs = registries.heirs_deed(normalize_digits(heirs_deed_number)) if capacity == Capacity.HEIR else None
    poa = registries.poa(normalize_digits(poa_number)) if capacity == Capacity.AGENT else None
    answering_for = filer.pk
    if capacity == Capacity.AGENT and poa is not None and poa.agent_id == filer.pk:
        answering_for = poa.principal_id
    sellers = _sellers(deed, heirs, share_only=bool(share_only), answering_for=answering_for)
    bought = _buyer_rows(buyers if buyers is not None else [(buyer_id, "")], sellers, filer)
    buyer, buyer_id = bought[0][0], bought[0][1]
    buyer_entity = None if buyer else registries.entity(buyer_id)
    from najiz.accounts.services import user_for_person

    conveyance = Conveyance.objects.create(
        status=Status.DRAFT,
        kind=Kind.HEIRS if capacity == Capacity.HEIR else Kind.SALE,
        capacity=capacity,
        filed_by=user,
        filer=filer,
        deed=deed,
        heirs_deed_number=normalize_digits(heirs_deed_number) if capacity == Capacity.HEIR else "",
        poa_number=normalize_digits(poa_number) if capacity == Capacity.AGENT else "",
        share_only=bool(share_only),
        buyer_id_number=buyer_id[:10],
        buyer=buyer,
        buyer_entity=buyer_entity,
        buyer_user=user_for_person(buyer) if buyer else None,
        buyer_iban=first_iban(buyer),
        price=checked_amount(price),
        payment_method=payment_method if payment_method in PaymentMethod.values else PaymentMethod.MADA,
        tax_payer=tax_payer,
        buyers_pay=buyers_pay,
    )
    now = clock.now()
    for person, role, share in sellers:
        filers_own = person.pk == answering_for  # answered by the filer, by their own Nafath approval
        Consent.objects.create(
            conveyance=conveyance, person=person, user=user if filers_own else user_for_person(person),
            role=role, share=share, iban=first_iban(person), through_agent=filers_own and capacity == Capacity.AGENT,
        )
    Buyer.objects.bulk_create(
        Buyer(conveyance=conveyance, person=person, user=user_for_person(person), iban=first_iban(person),
              share=share)
        for person, _number, share in bought if person is not None
    )
    conveyance.number = casefile.next_case_number("CV")
    conveyance.submitted_at = now
    try:
        with transaction.atomic():
            transition(conveyance, Status.SUBMITTED, actor=Actor.PERSON, user=user, params={"deed": deed.number},
                       changed=["number", "submitted_at"])
    except IntegrityError:
        raise ConveyanceError(_("Another conveyance is already open on this deed."), "open_conveyance") from None
    alerts.tell(conveyance, "conveyance.filed", [user])
    enqueue_advance(conveyance)
    return conveyance


# --- automatic steps ------------------------------------------------------------------------


def _release(conveyance: Conveyance):
    if conveyance.deed_suspended:
        registries.release_deed(conveyance.deed, conveyance.number)
        conveyance.deed_suspended = False
        conveyance.save(update_fields=["deed_suspended"])


def check_eligibility(conveyance: Conveyance) -> bool:
    inputs = gather_inputs(conveyance)
    results = rules.run_eligibility(inputs)
    rejected = bool(failed(results))
    if not rejected:
        try:
            registries.suspend_deed(conveyance.deed, conveyance.number)
            conveyance.deed_suspended = True
        except registries.DeedError:
            results.append(result("deed_suspended", False, _("The deed could not be reserved for this conveyance.")))
            rejected = True
    outcome = Status.REJECTED if rejected else Status.AWAITING_CONSENTS
    if not rejected:
        inputs["tax"] = _register_tax(conveyance)
    decision = casefile.record_decision(
        conveyance, "eligibility", rules=results, outcome=outcome, inputs=inputs,
        rules_version=rules.RULES_VERSION, amount=conveyance.price,
    )
    transition(conveyance, Status.CHECKED, decision=decision, changed=["deed_suspended", *TAX_FIELDS])
    if rejected:
        transition(conveyance, Status.REJECTED, decision=decision)
        alerts.tell_parties(conveyance, "conveyance.rejected", buyer=False)
        return True
    conveyance.offer_expires_at = _ttl_end()
    transition(conveyance, Status.AWAITING_CONSENTS, decision=decision, changed=["offer_expires_at"])
    pending = list(conveyance.consents.filter(answer=Answer.PENDING).select_related("user"))
    if not pending:
        _offer_to_buyer(conveyance, decision)
        return True
    filer = [c.user for c in pending if c.user_id == conveyance.filed_by_id]
    alerts.tell(conveyance, "conveyance.approve_filing", filer, view="conveyance:consent")
    others = [c.user for c in pending if c.user_id != conveyance.filed_by_id]
    alerts.tell(conveyance, "conveyance.consent_requested", others, view="conveyance:consent")
    return True


# --- the real-estate transaction tax ----------------------------------------------------------

TAX_FIELDS = ["tax_number", "tax_amount", "tax_exempt_amount"]


def tax_payer_person(conveyance: Conveyance):
    """Who pays the tax: the seller who filed (by default), or the buyer."""
    return conveyance.buyer if conveyance.tax_payer == TaxPayer.BUYER else conveyance.filer


def tax_payer_user(conveyance: Conveyance):
    return conveyance.buyer_user if conveyance.tax_payer == TaxPayer.BUYER else conveyance.filed_by


def _register_tax(conveyance: Conveyance) -> dict:
    """Register the transaction with the tax authority (deed, parties, price) and keep its tax:
    CONVEYANCE_TAX_RATE of the price, less the first-home exemption the registry finds."""
    record = registries.register_transaction(
        ref=conveyance.number, deed_number=conveyance.deed.number,
        sellers=[c.person for c in conveyance.consents.select_related("person").order_by("id")],
        buyers=[b.person for b in conveyance.buyers.select_related("person")], price=conveyance.price,
        payer=conveyance.tax_payer,
        payer_id=tax_payer_person(conveyance).national_id, rate=settings.CONVEYANCE_TAX_RATE,
    )
    conveyance.tax_number, conveyance.tax_amount = record.number, record.tax
    conveyance.tax_exempt_amount = record.exempt_amount
    return {"number": record.number, "rate": str(record.rate), "exempt": str(record.exempt_amount),
            "certificate": record.certificate_number, "tax": str(record.tax), "payer": record.payer}


def _tax_record(conveyance: Conveyance):
    return registries.tax_transaction(conveyance.tax_number) if conveyance.tax_number else None


def _take_tax_payment(conveyance: Conveyance) -> bool:
    """Issue the tax receipt once the tax is paid in full (or nothing is due): True if settled."""
    from payments.models import InvoiceStatus

    if conveyance.tax_receipt_number:
        return True
    if not conveyance.tax_number:
        return False
    if conveyance.tax_amount > 0:
        invoice = conveyance.tax_invoice
        if invoice is None:
            return False
        invoice.refresh_from_db()
        if invoice.status != InvoiceStatus.PAID:
            return False
    conveyance.tax_receipt_number = registries.record_tax_paid(conveyance.tax_number).receipt_number
    conveyance.save(update_fields=["tax_receipt_number"])
    casefile.record_event(conveyance, "conveyance.tax_paid", params={
        "number": conveyance.number, "amount": f"{conveyance.tax_amount:,.2f}",
        "receipt": conveyance.tax_receipt_number,
    })
    signals.announce_event(conveyance, signals.TAX_PAID)
    return True


def _refund_tax(conveyance: Conveyance, ref: str) -> None:
    """Return whatever tax is held for the conveyance to whoever paid it; the authority marks the
    transaction refunded."""
    from payments import services as payments

    record = _tax_record(conveyance)
    if record is None:
        return
    held = payments.held_for(record)
    if held > 0:
        payer = tax_payer_person(conveyance)
        iban = conveyance.buyer_iban if conveyance.tax_payer == TaxPayer.BUYER else ""
        iban = iban or first_iban(payer)
        if iban:
            payments.refund(record, iban, held, ref=f"{conveyance.number}/{ref}", beneficiary=payer.name_ar)
    if held > 0 or conveyance.tax_receipt_number:
        registries.refund_tax(record.number)


def _pay_tax_out(conveyance: Conveyance) -> str:
    """Once the deed is transferred, the tax held for the transaction is paid to the tax
    authority's account (a disbursement, executed after commit; idempotent on its ref). Returns
    the IBAN it goes to, or "" when nothing is held."""
    from payments import services as payments

    record = _tax_record(conveyance)
    if record is None:
        return ""
    held = payments.held_for(record)
    if held <= 0:
        return ""
    authority = registries.tax_authority_account()
    payments.request_disbursement(record, authority.iban, held, ref=f"{conveyance.number}/tax-payout",
                                  beneficiary=authority.entity.name_ar)
    return authority.iban


def _issue_tax_invoice(conveyance: Conveyance):
    from payments import services as payments

    if conveyance.tax_amount <= 0:
        return None
    conveyance.tax_invoice = payments.create_invoice(
        purpose=_tax_record(conveyance), payer=tax_payer_person(conveyance), payer_user=tax_payer_user(conveyance),
        amount=conveyance.tax_amount, allow_partial=False, expires_at=conveyance.offer_expires_at,
        description_ar=f"ضريبة التصرفات العقارية على الصك {conveyance.deed.number} - الإفراغ {conveyance.number}",
        description_en=f"Real-estate transaction tax on deed {conveyance.deed.number} - conveyance {conveyance.number}",
    )
    return conveyance.tax_invoice


def _offer_to_buyer(conveyance: Conveyance, decision=None):
    conveyance.offer_expires_at = _ttl_end()
    transition(conveyance, Status.AWAITING_BUYER, decision=decision, changed=["offer_expires_at"])
    alerts.tell(conveyance, "conveyance.offer", alerts.buyer_users(conveyance), view="conveyance:offer",
                hours=int(settings.CONVEYANCE_OFFER_TTL.total_seconds() // 3600))


def settle(conveyance: Conveyance) -> bool:
    """After full payment: run the rules again inside this transaction, then transfer the deed and
    pay the sellers by share, or refund the buyer and reject with the reason."""
    from payments import services as payments

    try:
        registries.suspend_deed(conveyance.deed, conveyance.number)  # takes the deed's row lock
        conveyance.deed_suspended = True
    except registries.DeedError:
        pass
    inputs = gather_inputs(conveyance)
    results = rules.run_eligibility(inputs)
    held = payments.held_for(conveyance)
    if failed(results):
        decision = casefile.record_decision(
            conveyance, "transfer", rules=results, outcome=Status.REJECTED, inputs=inputs,
            rules_version=rules.RULES_VERSION, amount=held,
        )
        _refund_price(conveyance, "refund")
        _refund_tax(conveyance, "tax-refund")
        transition(conveyance, Status.REJECTED, decision=decision, params={"amount": f"{held:,.2f}"},
                   changed=["deed_suspended"])
        _release(conveyance)
        alerts.tell_parties(conveyance, "conveyance.refunded")
        return True
    owners = new_owners(conveyance)
    new_deed = registries.transfer(conveyance.deed, owners, ref=conveyance.number,
                                   tax_receipt_number=conveyance.tax_receipt_number, price=conveyance.price)
    conveyance.new_deed, conveyance.deed_suspended = new_deed, False
    consents = list(conveyance.consents.select_related("person").order_by("id"))
    parts = split_by_shares(held, [c.share for c in consents])
    payouts = []
    for consent, part in zip(consents, parts, strict=True):
        if part > 0:
            iban = consent.iban or first_iban(consent.person)
            payments.request_disbursement(
                conveyance, iban, part, ref=f"{conveyance.number}/payout/{consent.person.national_id}",
                beneficiary=consent.person.name_ar,
            )
            payouts.append(
                {"id": consent.person.national_id, "share": consent.share_label, "amount": str(part), "iban": iban}
            )
    inputs["payouts"] = payouts
    inputs["new_deed"] = new_deed.number
    inputs["new_owners"] = [{"id": person.national_id, "share": format_share(share)} for person, share in owners]
    inputs["tax"] = {"number": conveyance.tax_number, "tax": str(conveyance.tax_amount),
                     "receipt": conveyance.tax_receipt_number, "payer": conveyance.tax_payer,
                     "paid_out_to": _pay_tax_out(conveyance)}
    decision = casefile.record_decision(
        conveyance, "transfer", rules=results, outcome=Status.TRANSFERRED, inputs=inputs,
        rules_version=rules.RULES_VERSION, amount=held,
    )
    transition(conveyance, Status.TRANSFERRED, decision=decision, params={"deed": new_deed.number},
               changed=["new_deed", "deed_suspended"])
    alerts.tell(conveyance, "conveyance.new_deed", alerts.buyer_users(conveyance), new_deed=new_deed.number)
    alerts.tell(conveyance, "conveyance.transferred", alerts.seller_users(conveyance), new_deed=new_deed.number)
    return True


def new_owners(conveyance: Conveyance) -> list[tuple]:
    """The owners of the new deed, (person, exact share): the buyers by their shares; when an
    owner sold only their share, the other owners keep theirs (terms as on the deed) and the
    buyers share the part sold (1/3 sold to two buyers of 1/2 each: 1/6 each). A co-owner who buys
    adds what they buy to what they keep."""
    buyers = list(conveyance.buyers.select_related("person").order_by("id"))
    if not conveyance.share_only:
        return [(b.person, (b.share_numerator, b.share_denominator)) for b in buyers]
    selling = {c.person_id for c in conveyance.consents.all()}
    sold = sum((c.share for c in conveyance.consents.all()), Fraction(0))
    owners: dict[int, list] = {}
    for row in conveyance.deed.owner_rows.select_related("person").order_by("id"):
        if row.person_id not in selling:
            owners.setdefault(row.person_id, [row.person, []])[1].append((row.share_numerator, row.share_denominator))
    for b in buyers:
        owners.setdefault(b.person_id, [b.person, []])[1].append(sold * b.share)
    return [
        (person, terms[0] if len(terms) == 1 else sum((Fraction(*t) if isinstance(t, tuple) else t for t in terms),
                                                       Fraction(0)))
        for person, terms in owners.values()
    ]


def complete(conveyance: Conveyance) -> bool:
    """Close the conveyance once every seller's share was paid out."""
    from payments.models import DisbursementStatus
    from payments.selectors import disbursements_for

    payouts = list(disbursements_for(conveyance))
    if not payouts or any(d.status != DisbursementStatus.DONE for d in payouts):
        return False
    transition(conveyance, Status.COMPLETED)
    alerts.tell_parties(conveyance, "conveyance.completed")
    return True


AUTOMATIC_STEPS = {
    Status.SUBMITTED: check_eligibility,
    Status.PAID: settle,
    Status.TRANSFERRED: complete,
}


def advance_once(conveyance_id: int) -> bool:
    with transaction.atomic():
        conveyance = locked(conveyance_id)
        step = AUTOMATIC_STEPS.get(conveyance.status)
        return bool(step and step(conveyance))


def advance(conveyance_id: int) -> str:
    """Push a conveyance through every automatic step it can take now; each step commits alone."""
    while advance_once(conveyance_id):
        pass
    return Conveyance.objects.values_list("status", flat=True).get(pk=conveyance_id)


# --- the price's bills -----------------------------------------------------------------------


def price_bills(conveyance: Conveyance) -> list[tuple]:
    """(buyer, invoice) of each bill for the price: one per buyer when each pays their share,
    else the one bill of the buyer who pays it all. All are paid into the conveyance's escrow."""
    bills = [(b, b.invoice) for b in conveyance.buyers.select_related("person", "invoice").order_by("id")
             if b.invoice_id]
    if not bills and conveyance.invoice_id:
        bills = [(None, conveyance.invoice)]
    return bills


def _price_in_full(conveyance: Conveyance) -> bool:
    from payments.models import InvoiceStatus

    bills = price_bills(conveyance)
    for _buyer, invoice in bills:
        invoice.refresh_from_db()
    return bool(bills) and all(invoice.status == InvoiceStatus.PAID for _buyer, invoice in bills)


def _issue_price_invoices(conveyance: Conveyance, buyers: list) -> None:
    """A bill for the whole price to the first buyer, or, when each buyer pays their share, one
    bill each for their part (the price split by the shares to the halala, largest remainder)."""
    from payments import services as payments

    each = conveyance.buyers_pay == BuyersPay.EACH and len(buyers) > 1
    parts = split_by_shares(conveyance.price, [b.share for b in buyers]) if each else [conveyance.price]
    for buyer, part in zip(buyers, parts, strict=False):
        share = f" ({buyer.share_label})" if each else ""
        buyer.invoice = payments.create_invoice(
            purpose=conveyance, payer=buyer.person, payer_user=buyer.user, amount=part, allow_partial=False,
            expires_at=conveyance.offer_expires_at,
            description_ar=f"ثمن العقار بالصك {conveyance.deed.number}{share} - الإفراغ {conveyance.number}",
            description_en=f"Price of the property of deed {conveyance.deed.number}{share} - conveyance "
                           f"{conveyance.number}",
        )
        buyer.save(update_fields=["invoice"])
    conveyance.invoice = buyers[0].invoice


def _refund_price(conveyance: Conveyance, ref: str) -> None:
    """Return the price held in escrow to whoever paid it: each buyer what their bill took."""
    from payments import services as payments

    held = payments.held_for(conveyance)
    if held <= 0:
        return
    bills = price_bills(conveyance)
    if len(bills) <= 1:
        iban = conveyance.buyer_iban or first_iban(conveyance.buyer)
        if iban:
            payments.refund(conveyance, iban, held, ref=f"{conveyance.number}/{ref}",
                            beneficiary=conveyance.buyer.name_ar if conveyance.buyer else "")
        return
    left = held
    for buyer, invoice in bills:
        invoice.refresh_from_db()
        part, iban = min(invoice.paid, left), buyer.iban or first_iban(buyer.person)
        if part > 0 and iban:
            payments.refund(conveyance, iban, part, ref=f"{conveyance.number}/{ref}/{buyer.person.national_id}",
                            beneficiary=buyer.person.name_ar)
            left -= part


# --- approvals by Nafath --------------------------------------------------------------------

NOT_APPROVED = _("Approve in the Nafath app first: choose there the number shown on this page.")


def _act(conveyance: Conveyance, *, buyer: bool) -> tuple[str, str]:
    """The act a Nafath request approves, in both languages: the deed, the price, the case."""
    deed, number = conveyance.deed.number, conveyance.number
    price_ar, price_en = format_sar(conveyance.price, "ar"), format_sar(conveyance.price, "en")
    if buyer:
        return (f"الموافقة على شراء العقار بالصك رقم {deed} بمبلغ {price_ar} - الإفراغ {number}",
                f"Approve buying the property of deed {deed} for {price_en} - conveyance {number}")
    return (f"الموافقة على بيع العقار بالصك رقم {deed} بمبلغ {price_ar} - الإفراغ {number}",
            f"Approve the sale of deed {deed} for {price_en} - conveyance {number}")


def _approver(conveyance: Conveyance, user):
    """What the user approves now: their pending consent (the filer's own, or the one they give
    as an agent, included) or their pending purchase as a buyer, locked; or None."""
    if conveyance.status == Status.AWAITING_CONSENTS:
        return conveyance.consents.select_for_update().filter(user=user, answer=Answer.PENDING).first()
    if conveyance.status == Status.AWAITING_BUYER:
        return conveyance.buyers.select_for_update().filter(user=user, answer=Answer.PENDING).first()
    return None


@transaction.atomic
def start_approval(conveyance: Conveyance, *, user, client_address: str = ""):
    """Open the Nafath request by which the user approves the sale (a co-owner or heir) or the
    purchase (the buyer). The app names the act; the page shows the number to choose."""
    from najiz.accounts import services as accounts

    conveyance = locked(conveyance.pk)
    target = _approver(conveyance, user)
    if target is None:
        raise ConveyanceError(_("Nothing on this conveyance awaits your approval."), "state")
    previous = target.challenge_token
    act_ar, act_en = _act(conveyance, buyer=isinstance(target, Buyer))
    try:
        challenge = accounts.start_nafath_login(user.national_id, client_address=client_address,
                                                replacing_token=previous or None,
                                                purpose=accounts.Purpose.APPROVE, act_ar=act_ar, act_en=act_en)
    except accounts.SignInRefused as refusal:
        raise ConveyanceError(refusal.message, "nafath_refused") from refusal
    target.challenge_token = challenge.token
    target.save(update_fields=["challenge_token"])
    return challenge


def approval_request(conveyance: Conveyance, *, user):
    """The user's Nafath request on this conveyance in its current state, or None."""
    from najiz.accounts import services as accounts

    party = conveyance.buyers.filter(user=user).first() if conveyance.status == Status.AWAITING_BUYER else None
    party = party or conveyance.consents.filter(user=user).first()
    return accounts.challenge_outcome(party.challenge_token or None if party else None)


def approval_to_answer(conveyance: Conveyance, *, user, client_address: str = "") -> tuple:
    """(the Nafath request waiting for the user's answer, whether their last one was answered
    wrong): the waiting request, or a new one when there is none or it was answered or expired."""
    from najiz.accounts.models import NafathChallenge

    challenge = approval_request(conveyance, user=user)
    was_wrong = challenge is not None and challenge.status == NafathChallenge.Status.REJECTED
    if challenge is None or challenge.status != NafathChallenge.Status.PENDING:
        challenge = start_approval(conveyance, user=user, client_address=client_address)
    return challenge, was_wrong


def _use_approval(token: str, person) -> None:
    """The party's Nafath request is confirmed, by their own id (`person`: whoever answers, the
    agent for a principal), and not used before: use it. Anything else (no request, waiting, a
    wrong number, expired, another id) does not count."""
    from najiz.accounts import services as accounts

    try:
        confirmer = accounts.complete_nafath_login(token, purpose=accounts.Purpose.APPROVE) if token else None
    except accounts.SignInRefused:
        confirmer = None
    if confirmer is None or person is None or confirmer.national_id != person.national_id:
        raise ConveyanceError(NOT_APPROVED, "nafath")


# --- what people do -------------------------------------------------------------------------


def _is_late(conveyance: Conveyance) -> bool:
    return conveyance.offer_expires_at is not None and clock.now() > conveyance.offer_expires_at


@transaction.atomic
def answer_consent(conveyance: Conveyance, *, user, accept: bool) -> Conveyance:
    """A co-owner or heir accepts (only by a confirmed Nafath request naming the sale, see
    `start_approval`) or refuses. A refusal stops the conveyance with the reason."""
    conveyance = locked(conveyance.pk)
    if conveyance.status != Status.AWAITING_CONSENTS:
        raise ConveyanceError(_("This conveyance is not awaiting your consent."), "state")
    if _is_late(conveyance):
        _expire(conveyance)
        return conveyance
    consent = conveyance.consents.select_for_update().select_related("person", "user").filter(user=user).first()
    if consent is None or consent.answer != Answer.PENDING:
        raise ConveyanceError(_("This conveyance is not awaiting your consent."), "not_pending")
    if accept:
        _use_approval(consent.challenge_token, consent.user)
        consent.approved_at = clock.now()
    consent.answer = Answer.ACCEPTED if accept else Answer.REFUSED
    consent.answered_at = clock.now()
    consent.save(update_fields=["answer", "answered_at", "approved_at"])
    params = {"number": conveyance.number, "id": consent.person.national_id}
    casefile.record_event(
        conveyance, f"conveyance.consent_{consent.answer}", actor=Actor.PERSON, user=user, params=params
    )
    if not accept:
        reason = result("all_consented", False, rules.CONSENT_REFUSED, id=consent.person.national_id)
        decision = casefile.record_decision(
            conveyance, "consents", rules=[reason], outcome=Status.REJECTED, inputs=_consent_facts(conveyance),
            rules_version=rules.RULES_VERSION, amount=conveyance.price,
        )
        transition(conveyance, Status.REJECTED, decision=decision)
        _release(conveyance)
        alerts.tell_parties(conveyance, "conveyance.consent_refused", buyer=False, id=consent.person.national_id)
        return conveyance
    if not conveyance.consents.filter(answer=Answer.PENDING).exists():
        reason = result("all_consented", True, rules.CONSENTS_COMPLETE)
        decision = casefile.record_decision(
            conveyance, "consents", rules=[reason], outcome=Status.AWAITING_BUYER, inputs=_consent_facts(conveyance),
            rules_version=rules.RULES_VERSION, amount=conveyance.price,
        )
        _offer_to_buyer(conveyance, decision)
    return conveyance


def _consent_facts(conveyance) -> dict:
    return {
        "consents": [
            {"id": c.person.national_id, "role": c.role, "share": c.share_label, "answer": c.answer}
            for c in conveyance.consents.select_related("person").order_by("id")
        ]
    }


@transaction.atomic
def answer_offer(conveyance: Conveyance, *, user, accept: bool) -> Conveyance:
    """A buyer accepts (only by a confirmed Nafath request naming the purchase) or declines; one
    buyer declining declines the offer. Once every buyer accepted, the bills for the price are
    issued (one for the whole, or one per buyer for their share), and one for the tax."""
    conveyance = locked(conveyance.pk)
    mine = conveyance.buyers.select_for_update().select_related("person").filter(user=user).first()
    if mine is None:
        raise ConveyanceError(_("Only the buyer can answer this offer."), "not_buyer")
    if conveyance.status != Status.AWAITING_BUYER or mine.answer != Answer.PENDING:
        raise ConveyanceError(_("This offer is no longer open."), "state")
    if _is_late(conveyance):
        _expire(conveyance)
        return conveyance
    now = clock.now()
    if accept:
        _use_approval(mine.challenge_token, mine.person)
        mine.approved_at = now
    mine.answer, mine.answered_at = (Answer.ACCEPTED if accept else Answer.REFUSED), now
    mine.save(update_fields=["answer", "answered_at", "approved_at"])
    if not accept:
        conveyance.buyer_answer, conveyance.buyer_answered_at = Answer.REFUSED, now
        transition(conveyance, Status.DECLINED, actor=Actor.PERSON, user=user,
                   changed=["buyer_answer", "buyer_answered_at"])
        _release(conveyance)
        alerts.tell(conveyance, "conveyance.declined", alerts.seller_users(conveyance))
        return conveyance
    buyers = list(conveyance.buyers.select_related("person", "user").order_by("id"))
    if len(buyers) > 1:
        casefile.record_event(conveyance, "conveyance.buyer_accepted", actor=Actor.PERSON, user=user,
                              params={"number": conveyance.number, "id": mine.person.national_id,
                                      "share": mine.share_label})
    if any(b.answer != Answer.ACCEPTED for b in buyers):
        return conveyance
    conveyance.buyer_answer, conveyance.buyer_answered_at, conveyance.buyer_approved_at = Answer.ACCEPTED, now, now
    conveyance.offer_expires_at = _ttl_end()
    _issue_price_invoices(conveyance, buyers)
    tax_invoice = _issue_tax_invoice(conveyance)
    transition(conveyance, Status.AWAITING_PAYMENT, actor=Actor.PERSON, user=user,
               params={"bill": " / ".join(b.invoice.bill_number for b in buyers if b.invoice_id)},
               changed=["buyer_answer", "buyer_answered_at", "buyer_approved_at", "offer_expires_at", "invoice",
                        "tax_invoice"])
    _take_tax_payment(conveyance)  # nothing due (an exempt first home): the receipt at once
    for buyer in buyers:
        if buyer.invoice_id:
            alerts.tell(conveyance, "conveyance.pay", [buyer.user], url=buyer.invoice.get_absolute_url(),
                        bill=buyer.invoice.bill_number, price=f"{buyer.invoice.amount:,.2f}")
    if tax_invoice is not None:
        alerts.tell(conveyance, "conveyance.pay_tax", [tax_payer_user(conveyance)],
                    url=tax_invoice.get_absolute_url(), bill=tax_invoice.bill_number,
                    tax=f"{conveyance.tax_amount:,.2f}")
    alerts.tell(conveyance, "conveyance.accepted", alerts.seller_users(conveyance))
    return conveyance


@transaction.atomic
def cancel(conveyance: Conveyance, *, user) -> Conveyance:
    """The seller who filed withdraws the conveyance; only before the buyer has paid."""
    from payments import services as payments
    from payments.models import InvoiceStatus

    conveyance = locked(conveyance.pk)
    if conveyance.filed_by_id != user.pk:
        raise ConveyanceError(_("Only the seller who filed can cancel this conveyance."), "not_filer")
    if conveyance.status not in CANCELLABLE:
        raise ConveyanceError(_("This conveyance can no longer be cancelled."), "state")
    for _buyer, bill in price_bills(conveyance):
        invoice = payments.cancel_invoice_remainder(bill)
        if invoice.status == InvoiceStatus.PAID or invoice.paid > 0:
            raise ConveyanceError(_("The buyer has already paid: the conveyance can no longer be cancelled."), "paid")
    if conveyance.tax_invoice_id:
        payments.cancel_invoice_remainder(conveyance.tax_invoice)
    transition(conveyance, Status.CANCELLED, actor=Actor.PERSON, user=user)
    _refund_tax(conveyance, "tax-refund")
    _release(conveyance)
    alerts.tell_parties(conveyance, "conveyance.cancelled")
    return conveyance


# --- payment --------------------------------------------------------------------------------


@transaction.atomic
def payment_received(conveyance_id: int) -> Conveyance:
    """An invoice of the conveyance is paid. Once the price is in escrow and the transaction tax
    is paid (its receipt issued), the conveyance is paid and the transfer queued. Money that
    arrives for a conveyance already closed is returned to whoever paid it."""
    from payments import services as payments

    conveyance = locked(conveyance_id)
    invoice = conveyance.invoice
    if invoice is None:
        return conveyance
    tax_settled = conveyance.status == Status.AWAITING_PAYMENT and _take_tax_payment(conveyance)
    if conveyance.status == Status.AWAITING_PAYMENT and tax_settled and _price_in_full(conveyance):
        conveyance.paid_at = clock.now()
        amount = payments.held_for(conveyance)
        reason = result("paid_in_full", True, rules.PAYMENT_RECEIVED, amount=sar_text(amount))
        decision = casefile.record_decision(
            conveyance,
            "payment",
            rules=[reason],
            outcome=Status.PAID,
            inputs={"bill": invoice.bill_number, "bills": [bill.bill_number for _b, bill in price_bills(conveyance)],
                    "held": str(amount), "tax_receipt": conveyance.tax_receipt_number},
            rules_version=rules.RULES_VERSION,
            amount=amount,
        )
        transition(conveyance, Status.PAID, decision=decision, params={"amount": f"{amount:,.2f}"}, changed=["paid_at"])
        alerts.tell(conveyance, "conveyance.paid", alerts.seller_users(conveyance))
        enqueue_advance(conveyance)
    elif conveyance.status in (Status.CANCELLED, Status.EXPIRED, Status.DECLINED):
        _refund_price(conveyance, "late-refund")
        _refund_tax(conveyance, "tax-late-refund")
    return conveyance


# --- expiry ---------------------------------------------------------------------------------


def _expire(conveyance: Conveyance) -> bool:
    from payments import services as payments
    from payments.models import InvoiceStatus

    bills = price_bills(conveyance)
    price_in = bool(bills) and all(
        payments.cancel_invoice_remainder(bill).status == InvoiceStatus.PAID for _buyer, bill in bills
    )
    tax_in = False
    if conveyance.tax_invoice_id:
        tax_in = payments.cancel_invoice_remainder(conveyance.tax_invoice).status == InvoiceStatus.PAID
    if price_in and (tax_in or conveyance.tax_paid):
        return False  # the payments won the race; the transfer goes on
    # what was paid of one without the other goes back
    transition(conveyance, Status.EXPIRED)
    _refund_tax(conveyance, "tax-refund")
    _refund_price(conveyance, "refund")
    _release(conveyance)
    alerts.tell_parties(conveyance, "conveyance.expired")
    return True


@transaction.atomic
def expire_if_due(conveyance_id: int) -> bool:
    conveyance = locked(conveyance_id)
    if conveyance.status not in WAITING or not _is_late(conveyance):
        return False
    return _expire(conveyance)


def expire_due(batch: int = 200) -> int:
    """Expire offers (and consents, and unpaid invoices) nobody answered in time. Idempotent."""
    ids = list(
        Conveyance.objects.filter(status__in=WAITING, offer_expires_at__lt=clock.now())
        .order_by("offer_expires_at").values_list("pk", flat=True)[:batch]
    )
    return sum(1 for pk in ids if expire_if_due(pk))

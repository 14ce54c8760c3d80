"""Shapes of the API's bodies. Amounts are the kernel's `Amount`: strings with two decimals
("1250.00"), in SAR; times are ISO 8601 with their offset."""

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from najiz.common.money import Amount


class FilingIn(Schema):
    instrument_number: str = Field(..., max_length=40, description="Number of the execution instrument.")
    debtor_ids: list[Annotated[str, Field(max_length=20)]] = Field(
        ..., max_length=10, description="National IDs, iqama or CR numbers of the debtors."
    )
    amount: Amount = Field(..., description='Amount claimed in SAR, e.g. "5000.00".')
    iban: str = Field(..., max_length=40, description="Saudi IBAN of an account held by the creditor.")


class FieldErrorOut(Schema):
    field: str | None = Field(..., description="The body's field the error is about (null: the filing as a whole).")
    code: str
    message: str


class RuleOut(Schema):
    id: str = Field(..., description="The audit rule, e.g. instrument_valid, iban_held_by_creditor.")
    field: str = Field(..., description="The body's field the rule speaks of.")
    passed: bool | None = Field(
        ..., description="null when the rule could not apply (e.g. the instrument was not found)."
    )
    message: str = Field(..., description="The rule's own words, in the caller's language.")


class CheckOut(Schema):
    """The pre-check of a filing: what the form's checks and the automatic audit's rules would say now."""

    ok: bool = Field(..., description="No error and no blocker: the audit would accept the request as things stand.")
    blockers: int = Field(..., description="How many audit rules would fail.")
    errors: list[FieldErrorOut] = Field(
        ..., description="The form's checks that fail; filing would be refused with 422."
    )
    rules: list[RuleOut]


class Problem(Schema):
    """RFC 9457 problem details (served as application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict] | None = None


class Debtor(Schema):
    id_number: str
    name: str


class Order(Schema):
    number: str
    amount: Amount
    period_days: int
    issued_at: datetime
    published_at: datetime | None


class MeasureOut(Schema):
    kind: str
    kind_label: str
    debtor: str
    target: str
    amount: Amount | None
    status: str
    status_label: str
    applied_at: datetime
    lifted_at: datetime | None


class TimelineEntry(Schema):
    at: datetime
    kind: str
    message: str


class RequestSummary(Schema):
    number: str
    status: str
    status_label: str
    public_status: str
    public_status_label: str
    instrument_number: str
    debtors: list[str]
    amount_claimed: Amount
    collected: Amount
    disbursed: Amount
    paid_outside: Amount
    outstanding: Amount
    circuit: str | None
    submitted_at: datetime | None
    status_changed_at: datetime
    deadline: datetime | None


class RequestDetail(RequestSummary):
    debtor_details: list[Debtor]
    order: Order | None
    measures: list[MeasureOut]
    rejection_reasons: list[str]
    timeline: list[TimelineEntry]


class RequestPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[RequestSummary]


class InvoiceOut(Schema):
    bill_number: str
    status: str
    status_label: str
    amount: Amount
    paid: Amount
    outstanding: Amount
    created_at: datetime
    expires_at: datetime | None
    closed_at: datetime | None


class InstalmentOut(Schema):
    number: int
    amount: Amount
    due_on: date
    bill_number: str | None = Field(None, description="The instalment's invoice, once the plan is accepted.")
    paid_at: datetime | None


class MotionOut(Schema):
    id: int
    kind: str = Field(..., description="disclosure, objection, grace_request, grace_grant or settlement.")
    kind_label: str
    status: str = Field(..., description="pending, granted, declined or recorded.")
    status_label: str
    grounds: str = Field("", description="An objection's grounds (paid_before_order, instrument_void, "
                                          "not_the_debtor, amount_wrong, other).")
    grounds_label: str = ""
    days: int | None = Field(None, description="A grace period's days.")
    filed_at: datetime
    decided_at: datetime | None
    reasons: str
    starts_at: datetime | None
    ends_at: datetime | None
    ended_at: datetime | None
    instalments: list[InstalmentOut] = Field(default_factory=list, description="A settlement plan's instalments.")


class PaymentOut(Schema):
    receipt_number: str
    bill_number: str
    method: str
    amount: Amount
    applied_amount: Amount
    refunded_amount: Amount
    received_at: datetime


class ConveyanceTaxOut(Schema):
    """The real-estate transaction tax, once the tax authority has registered the transaction."""

    registered: bool
    transaction_number: str | None
    amount: Amount
    exempt_amount: Amount = Field(description="The part of the price exempt (a first home's first 1,000,000 SAR).")
    payer: str = Field(description="seller or buyer")
    payer_label: str
    is_paid: bool = Field(description="The tax is paid and its receipt issued (nothing due counts as paid).")
    receipt_number: str | None


class ConveyanceSellerOut(Schema):
    """A seller-side party: an owner or an heir, the exact share of the deed they give up."""

    name: str
    role: str
    role_label: str
    share: str = Field(description='An exact fraction of the whole deed, e.g. "7/24".')
    answer: str
    approved_by_nafath: bool


class ConveyanceBuyerOut(Schema):
    """A buyer and the exact share of what is sold they buy (several buyers' shares add up to 1)."""

    name: str
    share: str = Field(description='An exact fraction, e.g. "1/2".')
    answer: str
    approved_by_nafath: bool
    bill_number: str | None = Field(description="Their bill for the price, once every buyer accepted.")


class ConveyanceOut(Schema):
    number: str
    status: str
    status_label: str
    kind: str
    deed_number: str
    price: Amount
    buyer_answer: str
    submitted_at: datetime | None
    completed_at: datetime | None
    new_deed_number: str | None
    buyer_approved_by_nafath: bool
    tax: ConveyanceTaxOut
    sellers: list[ConveyanceSellerOut]
    share_only: bool = Field(description="Only the filing owner's share is sold; the other owners keep theirs.")
    buyers: list[ConveyanceBuyerOut]

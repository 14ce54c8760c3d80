"""The request filing form (طلب تنفيذ). The same validators serve live validation and submission.

Nothing here tells a person more than they may know: an instrument is described only to its
creditor (or a representative of the creditor entity); otherwise it is "not found". A debtor's
name is shown only when the number is a debtor on such an instrument.
"""

import re
import unicodedata

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from najiz.common.identifiers import is_valid_national_id, is_valid_saudi_iban, normalize_digits, normalize_iban
from najiz.common.money import AmountField, parse_amount
from najiz.registries import services as registries

MAX_DEBTORS = 10
LIVE_FIELDS = ("instrument_number", "debtor_ids", "amount", "iban")
CR_RE = re.compile(r"^\d{10}$")


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


def _same_party(a, b) -> bool:
    return a is not None and b is not None and type(a) is type(b) and a.pk == b.pk


class FilingForm(forms.Form):
    instrument_number = forms.CharField(
        label=_("Execution instrument number"), max_length=30,
        help_text=_("The number of the judgment, cheque, promissory note or other execution instrument."),
    )
    debtor_ids = forms.CharField(
        label=_("Debtor ID or CR number"), max_length=200,
        help_text=_("One or more national IDs, iqama or commercial registration numbers, separated by commas or spaces."),
    )
    amount = AmountField(label=_("Amount claimed (SAR)"))
    iban = forms.CharField(
        label=_("Your IBAN for disbursement"), max_length=40,
        help_text=_("Saudi IBAN of an account held by the creditor: 24 characters starting with SA."),
    )

    def __init__(self, *args, user, person, acting_entity, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.person, self.acting_entity = user, person, acting_entity
        self.instrument = None  # set when the instrument number names one the person may see
        self.debtor_names: list[tuple[str, str]] = []  # (id, name) of each debtor found on the instrument
        self.bank_name = ""
        for name in LIVE_FIELDS:
            field = self.fields[name]
            field.widget.attrs.update({
                "hx-post": reverse("enforcement:validate", args=[name]),
                "hx-trigger": "keyup changed delay:400ms, change",
                "hx-target": f"#{name}-feedback",
                "hx-swap": "innerHTML",
                "hx-include": "closest form",
                "autocomplete": "off",
                "class": "input",
            })
        self.fields["instrument_number"].widget.attrs.update({"dir": "ltr", "inputmode": "text"})
        self.fields["debtor_ids"].widget.attrs.update({"dir": "ltr", "inputmode": "numeric"})
        self.fields["amount"].widget = forms.TextInput(attrs={**self.fields["amount"].widget.attrs, "dir": "ltr", "inputmode": "decimal"})
        self.fields["iban"].widget.attrs.update({"dir": "ltr", "placeholder": "SA00 0000 0000 0000 0000 0000"})

    # --- who files --------------------------------------------------------------------------

    @property
    def creditor(self):
        return self.acting_entity or self.person

    def _is_party(self, instrument) -> bool:
        """The person is the instrument's creditor, or represents the creditor entity."""
        creditor = registries.instrument_creditor(instrument)
        if _same_party(creditor, self.creditor) or _same_party(creditor, self.person):
            return True
        return self.person is not None and hasattr(creditor, "cr_number") and registries.represents(self.person, creditor)

    # --- fields -----------------------------------------------------------------------------

    def clean_instrument_number(self):
        number = normalize_digits(self.cleaned_data["instrument_number"])
        instrument = registries.instrument(number)
        if instrument is None or not self._is_party(instrument):
            raise forms.ValidationError(_("No execution instrument with this number was found for you."), code="not_found")
        self.instrument = instrument
        if not _same_party(registries.instrument_creditor(instrument), self.creditor):
            raise forms.ValidationError(
                _("The creditor on this instrument is %(creditor)s: switch to acting as them to file it."),
                code="act_as_creditor", params={"creditor": registries.instrument_creditor(instrument).display_name},
            )
        return instrument.number

    def clean_debtor_ids(self):
        ids = split_ids(self.cleaned_data["debtor_ids"])
        if not ids:
            raise forms.ValidationError(_("Enter at least one debtor."), code="required")
        if len(ids) > MAX_DEBTORS:
            raise forms.ValidationError(_("Enter at most %(max)d debtors."), code="too_many", params={"max": MAX_DEBTORS})
        bad = [value for value in ids if not is_id_or_cr(value)]
        if bad:
            raise forms.ValidationError(
                _("Not a valid national ID, iqama or CR number: %(ids)s"), code="invalid_id", params={"ids": "، ".join(bad)[:120]},
            )
        if self.instrument is not None:
            on_instrument = {self._key(d): d for d in registries.instrument_debtors(self.instrument)}
            missing = [value for value in ids if value not in on_instrument]
            if missing:
                raise forms.ValidationError(
                    _("Not a debtor on this instrument: %(ids)s"), code="not_debtor", params={"ids": "، ".join(missing)},
                )
            self.debtor_names = [(value, on_instrument[value].display_name) for value in ids]
        return ids

    @staticmethod
    def _key(party) -> str:
        return getattr(party, "cr_number", None) or party.national_id

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if self.instrument is not None and amount > self.instrument.amount:
            raise forms.ValidationError(
                _("The amount is more than the instrument's amount."), code="above_instrument",
            )
        return amount

    def clean_iban(self):
        iban = normalize_iban(self.cleaned_data["iban"])
        if not is_valid_saudi_iban(iban):
            raise forms.ValidationError(_("Enter a valid Saudi IBAN: 24 characters starting with SA."), code="invalid_iban")
        account = registries.account(iban)
        self.bank_name = str(account.bank) if account is not None else ""
        return iban

    def clean(self):
        cleaned = super().clean()
        if self.creditor is None:
            raise forms.ValidationError(_("Your record was not found in the civil registry, so you cannot file a request."), code="no_person")
        return cleaned

    # --- drafts -----------------------------------------------------------------------------

    def draft_values(self) -> dict:
        """What can be kept of the input as typed, valid or not (call after is_valid())."""
        data = {name: printable(self.data.get(name, ""))[:200] for name in LIVE_FIELDS}
        try:
            amount = parse_amount(data.get("amount", "")) if data.get("amount", "").strip() else None
        except ValueError:
            amount = None
        ids = [value for value in split_ids(data.get("debtor_ids", "")) if len(value) <= 10][:MAX_DEBTORS]
        return {
            "instrument_number": normalize_digits(data.get("instrument_number", ""))[:30],
            "debtor_ids": ids,
            "amount": amount,
            "iban": normalize_iban(data.get("iban", ""))[:34],
        }

    @classmethod
    def initial_from(cls, request) -> dict:
        return {
            "instrument_number": request.instrument_number,
            "debtor_ids": " ".join(request.debtors.order_by("id").values_list("id_number", flat=True)),
            "amount": request.amount_claimed if request.amount_claimed else None,
            "iban": request.creditor_iban,
        }


# --- the creditor's actions on a request ---------------------------------------------------------


class _ActionForm(forms.Form):
    confirm = forms.BooleanField(label=_("I confirm this action. It cannot be undone."), required=True)

    def __init__(self, *args, enforcement_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.enforcement_request = enforcement_request


class WithdrawForm(_ActionForm):
    pass


class CertifyPaidForm(_ActionForm):
    amount = AmountField(
        label=_("Amount the debtor paid you directly (SAR)"),
        help_text=_("Measures are lifted when the outstanding amount is covered."),
    )
    field_order = ["amount", "confirm"]

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        outstanding = self.enforcement_request.outstanding
        if amount > outstanding:
            raise forms.ValidationError(
                _("The amount is more than the outstanding amount (%(outstanding)s SAR)."),
                code="above_outstanding", params={"outstanding": f"{outstanding:,.2f}"},
            )
        return amount


class ReduceClaimForm(_ActionForm):
    amount = AmountField(
        label=_("New amount claimed (SAR)"),
        help_text=_("Lower than the current claim and not below what was already collected."),
    )
    field_order = ["amount", "confirm"]

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        req = self.enforcement_request
        floor = req.collected + req.paid_outside
        if amount >= req.amount_claimed:
            raise forms.ValidationError(
                _("The new amount must be lower than the current claim (%(claimed)s SAR)."),
                code="not_lower", params={"claimed": f"{req.amount_claimed:,.2f}"},
            )
        if amount < floor:
            raise forms.ValidationError(
                _("The new amount cannot be lower than what was already received (%(floor)s SAR)."),
                code="below_collected", params={"floor": f"{floor:,.2f}"},
            )
        return amount

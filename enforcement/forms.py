"""The request filing form (طلب تنفيذ). The same validators serve live validation and submission;
they are the checks of validators.py, which the business API runs too."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from najiz.common.identifiers import normalize_digits, normalize_iban
from najiz.common.money import AmountField, parse_amount, sar_text
from najiz.registries import services as registries

from . import validators
from .validators import MAX_DEBTORS, MAX_LENGTHS, printable, split_ids

LIVE_FIELDS = ("instrument_number", "debtor_ids", "amount", "iban")


class FilingForm(forms.Form):
    instrument_number = forms.CharField(
        label=_("Execution instrument number"), max_length=MAX_LENGTHS["instrument_number"],
        help_text=_("The number of the judgment, cheque, promissory note or other execution instrument."),
    )
    debtor_ids = forms.CharField(
        label=_("Debtor ID or CR number"),
        max_length=MAX_LENGTHS["debtor_ids"],
        help_text=_(
            "One or more national IDs, iqama or commercial registration numbers, separated by commas or spaces."
        ),
    )
    amount = AmountField(label=_("Amount claimed (SAR)"))
    iban = forms.CharField(
        label=_("Your IBAN for disbursement"), max_length=MAX_LENGTHS["iban"],
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
        self.fields["amount"].widget = forms.TextInput(
            attrs={**self.fields["amount"].widget.attrs, "dir": "ltr", "inputmode": "decimal"}
        )
        self.fields["iban"].widget.attrs.update({"dir": "ltr", "placeholder": "SA00 0000 0000 0000 0000 0000"})

    # --- who files --------------------------------------------------------------------------

    @property
    def creditor(self):
        return self.acting_entity or self.person

    # --- fields (validators.py) --------------------------------------------------------------

    def clean_instrument_number(self):
        self.instrument = validators.instrument(
            self.cleaned_data["instrument_number"], creditor=self.creditor, person=self.person
        )
        validators.acting_as_creditor(self.instrument, creditor=self.creditor)
        return self.instrument.number

    def clean_debtor_ids(self):
        ids, self.debtor_names = validators.debtor_ids(self.cleaned_data["debtor_ids"], instrument=self.instrument)
        return ids

    def clean_amount(self):
        return validators.amount(self.cleaned_data["amount"], instrument=self.instrument)

    def clean_iban(self):
        iban, bank_name = validators.iban(self.cleaned_data["iban"])
        # the bank is named only for the creditor's own account: another's is not revealed
        account = registries.account(iban)
        held = account is not None and validators.same_party(registries.account_holder(account), self.creditor)
        self.bank_name = bank_name if held else ""
        return iban

    def clean(self):
        cleaned = super().clean()
        validators.has_creditor(self.creditor)
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
                _("The amount is more than the outstanding amount (%(outstanding)s)."),
                code="above_outstanding", params={"outstanding": sar_text(outstanding)},
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
                _("The new amount must be lower than the current claim (%(claimed)s)."),
                code="not_lower", params={"claimed": sar_text(req.amount_claimed)},
            )
        if amount < floor:
            raise forms.ValidationError(
                _("The new amount cannot be lower than what was already received (%(floor)s)."),
                code="below_collected", params={"floor": sar_text(floor)},
            )
        return amount

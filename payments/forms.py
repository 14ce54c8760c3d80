from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from najiz.common.identifiers import luhn_ok, normalize_digits
from najiz.common.money import AmountField

from . import gateway, services
from .models import PaymentMethod


class PayInvoiceForm(forms.Form):
    """How much to pay now: any amount up to the outstanding if the invoice allows partial
    payments, otherwise exactly the outstanding."""

    amount = AmountField(label=_("Amount to pay (SAR)"))

    def __init__(self, *args, invoice, **kwargs):
        self.invoice = invoice
        super().__init__(*args, **kwargs)
        self.fields["amount"].initial = invoice.outstanding
        if not invoice.allow_partial:
            self.fields["amount"].widget.attrs["readonly"] = True
            self.fields["amount"].help_text = _("This invoice must be paid in full.")
        else:
            self.fields["amount"].help_text = _("You may pay part of the amount now and the rest later.")

    def clean_amount(self):
        return gateway.check_amount(self.invoice, self.cleaned_data["amount"])


class MethodForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Payment method"),
        choices=[(PaymentMethod.MADA, PaymentMethod.MADA.label), (PaymentMethod.SADAD, PaymentMethod.SADAD.label)],
        widget=forms.RadioSelect,
    )


class CardForm(forms.Form):
    number = forms.CharField(label=_("Card number"), max_length=30)
    expiry = forms.CharField(label=_("Expiry (MM/YY)"), max_length=7)
    cvv = forms.CharField(label=_("CVV"), max_length=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["expiry"].widget.attrs.update({"placeholder": "MM/YY", "autocomplete": "off"})
        self.fields["cvv"].widget = forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def clean_number(self):
        digits = normalize_digits(self.cleaned_data["number"]).replace("-", "")
        if not (digits.isdigit() and len(digits) == 16 and luhn_ok(digits)):
            raise ValidationError(_("Enter a valid 16-digit card number."), code="invalid_card")
        return digits

    def clean_expiry(self):
        text = normalize_digits(self.cleaned_data["expiry"])
        parts = text.split("/")
        if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) > 2 or len(parts[1]) not in (2, 4):
            raise ValidationError(_("Enter the expiry as MM/YY."), code="invalid_expiry")
        month, year = int(parts[0]), int(parts[1])
        year = year + 2000 if year < 100 else year
        if not 1 <= month <= 12:
            raise ValidationError(_("Enter the expiry as MM/YY."), code="invalid_expiry")
        today = clock.today()
        if (year, month) < (today.year, today.month):
            raise ValidationError(_("This card has expired."), code="card_expired")
        return month, year

    def clean_cvv(self):
        cvv = normalize_digits(self.cleaned_data["cvv"])
        if not (cvv.isdigit() and len(cvv) == 3):
            raise ValidationError(_("Enter the 3-digit CVV from the back of the card."), code="invalid_cvv")
        return cvv


class OtpForm(forms.Form):
    otp = forms.CharField(label=_("One-time password"), max_length=6, min_length=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code"})

    def clean_otp(self):
        return normalize_digits(self.cleaned_data["otp"])


class SadadForm(forms.Form):
    bill_number = forms.CharField(label=_("Bill number"), max_length=20)
    outcome = forms.ChoiceField(
        label=_("Simulated bank answer"), choices=gateway.SadadOutcome.CHOICES, initial=gateway.SadadOutcome.APPROVE
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bill_number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean_bill_number(self):
        number = normalize_digits(self.cleaned_data["bill_number"]).replace("-", "").replace(" ", "")
        if not number.isdigit():
            raise ValidationError(_("A bill number has digits only."), code="invalid_bill")
        if len(number) != 11:
            raise ValidationError(
                _("A bill number has 11 digits; this one has %(count)s.") % {"count": len(number)}, code="invalid_bill"
            )
        if not services.is_valid_bill_number(number):
            # 11 digits, but the check digit disagrees: a digit was mistyped
            raise ValidationError(
                _("This is not a valid bill number: a digit may be mistyped. Check it against the invoice."),
                code="invalid_bill",
            )
        return number


class BankTransferForm(forms.Form):
    """The simulated bank's transfer screen: the reference the invoice shows, and the amount sent."""

    reference = forms.CharField(label=_("Transfer reference"), max_length=30)
    amount = AmountField(label=_("Amount to transfer (SAR)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs.update({"autocomplete": "off", "dir": "ltr"})

    def clean_reference(self):
        reference = normalize_digits(self.cleaned_data["reference"]).strip().upper()
        if services.bill_number_of_reference(reference) is None:
            raise ValidationError(
                _("This is not a transfer reference: it is NJZ followed by the 11-digit bill number. "
                  "Check it against the invoice."),
                code="invalid_reference",
            )
        return reference

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement.states import PublicStatus
from najiz.common.money import AmountField

from . import services


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the system using the token"), max_length=80,
                           widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}))


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("URL that receives the events"), max_length=500, assume_scheme="https",
                         widget=forms.URLInput(attrs={"class": "input", "dir": "ltr", "autocomplete": "off"}))

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            return services.check_webhook_url(url)
        except services.UnsafeWebhookURL:
            raise forms.ValidationError(
                _("Enter an https address reachable from the internet."), code="unsafe"
            ) from None


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))]
        + [(value, label) for value, label in PublicStatus.choices if value != PublicStatus.DRAFT],
    )
    date_from = forms.DateField(
        label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date", "class": "input"})
    )
    date_to = forms.DateField(
        label=_("Submitted to"), required=False, widget=forms.DateInput(attrs={"type": "date", "class": "input"})
    )
    debtor = forms.CharField(label=_("Debtor ID or CR number"), required=False, max_length=10,
                             widget=forms.TextInput(attrs={"class": "input", "dir": "ltr", "inputmode": "numeric"}))
    amount_min = AmountField(label=_("Amount from (SAR)"), required=False, min_value=Decimal("0"))
    amount_max = AmountField(label=_("Amount to (SAR)"), required=False, min_value=Decimal("0"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", forms.ValidationError(_("The end date is before the start date."), code="order"))
        if (
            cleaned.get("amount_min") is not None
            and cleaned.get("amount_max") is not None
            and cleaned["amount_min"] > cleaned["amount_max"]
        ):
            self.add_error(
                "amount_max", forms.ValidationError(_("The upper amount is below the lower amount."), code="order")
            )
        return cleaned

    def filters(self) -> dict:
        """The valid filters (an invalid one is left out, so the page still shows something)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "status": data.get("status") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "debtor": (data.get("debtor") or "").strip(),
            "amount_min": data.get("amount_min"),
            "amount_max": data.get("amount_max"),
        }

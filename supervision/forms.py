from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from najiz.casefile.models import ReviewState
from najiz.common.money import AmountField

from .labels import OUTCOMES, STEPS
from .selectors import QueueFilters


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Review"), required=False,
        choices=[(ReviewState.PENDING, _("Pending review")), ("reviewed", _("Reviewed")),
                 (ReviewState.CONFIRMED, _("Confirmed")), (ReviewState.OVERRIDDEN, _("Overridden")), ("all", _("All"))],
    )
    step = forms.ChoiceField(label=_("Step"), required=False, choices=[("", _("All")), *list(STEPS.items())])
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("All")), *list(OUTCOMES.items())])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    amount_min = AmountField(label=_("Amount from"), required=False, min_value=Decimal("0"))
    amount_max = AmountField(label=_("Amount to"), required=False, min_value=Decimal("0"))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        if (
            data.get("amount_min") is not None
            and data.get("amount_max") is not None
            and data["amount_min"] > data["amount_max"]
        ):
            self.add_error("amount_max", _("The upper amount is below the lower amount."))
        return data

    def filters(self) -> QueueFilters:
        """The valid filters (pending decisions when nothing, or nothing valid, was chosen)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        state = data.get("state") or ReviewState.PENDING
        return QueueFilters(
            step=data.get("step", ""), outcome=data.get("outcome", ""), state="" if state == "all" else state,
            date_from=data.get("date_from"), date_to=data.get("date_to"),
            amount_min=data.get("amount_min"), amount_max=data.get("amount_max"),
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the parties)"), min_length=5, max_length=1000, strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Internal note (judges only)"), required=False, max_length=2000, strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    measure = forms.IntegerField(required=False, widget=forms.HiddenInput)

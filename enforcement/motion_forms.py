"""The forms of the parties' motions on a request (enforcement.motions)."""

import unicodedata

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from najiz.common.money import AmountField
from najiz.common.widgets import HijriDateInput

from .forms import _ActionForm
from .models import Motion

MAX_STATEMENT = 2000


def plain_text(value) -> str:
    """The text without control characters other than line breaks."""
    return "".join(c for c in str(value or "") if c in "\n" or unicodedata.category(c)[0] != "C").strip()


class _MotionForm(_ActionForm):
    confirm = forms.BooleanField(label=_("I confirm this motion and that what I state is true."), required=True)


class ObjectionForm(_MotionForm):
    grounds = forms.ChoiceField(label=_("Grounds of the objection"), choices=Motion.Grounds.choices)
    reference = forms.CharField(
        label=_("Payment reference"), max_length=40, required=False,
        help_text=_("Required when you paid before the order: the receipt, transfer or SADAD reference."),
    )
    statement = forms.CharField(
        label=_("Statement"), min_length=10, max_length=MAX_STATEMENT, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Explain your objection; the supervising judge reads it with the request."),
    )
    field_order = ["grounds", "reference", "statement", "confirm"]

    def clean_statement(self):
        statement = plain_text(self.cleaned_data["statement"])
        if len(statement) < 10:
            raise forms.ValidationError(_("Write at least 10 characters."), code="too_short")
        return statement

    def clean_reference(self):
        return plain_text(self.cleaned_data["reference"])

    def clean(self):
        data = super().clean()
        if data.get("grounds") == Motion.Grounds.PAID and not data.get("reference"):
            self.add_error("reference", _("Give the reference of the payment you made before the order."))
        return data


class GraceForm(_MotionForm):
    days = forms.IntegerField(label=_("Days of grace"), min_value=1)
    reason = forms.CharField(
        label=_("Reason"), min_length=5, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["days", "reason", "confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].help_text = _("From 1 to %(max)s days.") % {"max": settings.ENFORCEMENT_GRACE_MAX_DAYS}

    def clean_days(self):
        days, limit = self.cleaned_data["days"], settings.ENFORCEMENT_GRACE_MAX_DAYS
        if days > limit:
            raise forms.ValidationError(
                _("A grace period is at most %(max)s days."), code="too_long", params={"max": limit}
            )
        return days

    def clean_reason(self):
        reason = plain_text(self.cleaned_data["reason"])
        if len(reason) < 5:
            raise forms.ValidationError(_("Write at least 5 characters."), code="too_short")
        return reason


class ReactivateForm(_ActionForm):
    pass


class PlanForm(_MotionForm):
    """The debtor's instalment plan (تقسيط): checked by the settlement rules as typed."""

    count = forms.IntegerField(label=_("Number of monthly instalments"), min_value=2)
    amount = AmountField(label=_("Amount of each instalment (SAR)"),
                         help_text=_("The last instalment takes what is left, so it may be smaller."))
    first_due = forms.DateField(label=_("Due date of the first instalment"),
                                widget=HijriDateInput(),
                                help_text=_("The next instalments fall due on the same day of each following month."))
    statement = forms.CharField(label=_("Note to the creditor"), required=False, max_length=1000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["count", "amount", "first_due", "statement", "confirm"]
    FIELD_OF_RULE = {"plan_within_limits": "count", "plan_adds_up": "amount", "first_due_in_time": "first_due"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count"].max_value = settings.ENFORCEMENT_INSTALMENTS_MAX
        self.fields["count"].help_text = _("From 2 to %(max)s.") % {"max": settings.ENFORCEMENT_INSTALMENTS_MAX}

    def clean_statement(self):
        return plain_text(self.cleaned_data["statement"])

    def clean(self):
        from najiz.casefile.rules import message_for

        from . import settlement

        data = super().clean()
        if all(data.get(name) is not None for name in ("count", "amount", "first_due")):
            inputs = settlement.plan_inputs(self.enforcement_request, count=data["count"], amount=data["amount"],
                                            first_due=data["first_due"])
            for check in settlement.run_plan(inputs):
                if check.passed is False:
                    self.add_error(self.FIELD_OF_RULE[check.id], message_for(check.as_dict()))
        return data


class PlanAnswerForm(_ActionForm):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["reason", "confirm"]

    def clean_reason(self):
        return plain_text(self.cleaned_data["reason"])


class PlanEndForm(_ActionForm):
    """The creditor ends a plan in force early: the reasons go on the decision and to the debtor."""

    reason = forms.CharField(label=_("Reasons"), min_length=5, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["reason", "confirm"]

    def clean_reason(self):
        reason = plain_text(self.cleaned_data["reason"])
        if len(reason) < 5:
            raise forms.ValidationError(_("Write at least 5 characters."), code="too_short")
        return reason

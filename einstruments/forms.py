"""Forms of the e-promissory note screens. Bad input is a form error, never a server error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from najiz.common.money import AmountField
from najiz.common.widgets import HijriDateField
from najiz.registries.cities import City

from .issuance import find_party

# The issue form's fields the pre-check speaks of (einstruments.precheck), looked up as typed.
LIVE_FIELDS = ("creditor_id", "guarantor_id")


class IssueNoteForm(forms.Form):
    """What a note is issued with. The form checks only what each field can say alone; the issue
    rules (who the creditor and guarantor are, the amount, the due date) are the pre-check's, run
    on the same facts as the issue service, so the page and the service say the same."""

    creditor_id = forms.CharField(
        label=_("Creditor's ID or CR number"), max_length=20,
        help_text=_("The national ID, iqama or commercial registration number of the person or entity you owe."),
    )
    amount = AmountField(label=_("Amount (SAR)"), min_value=None)  # more than zero: the issue rule's to say
    due_date = HijriDateField(
        label=_("Due date"), help_text=_("Pick the day in either calendar; the other follows."),
    )
    place = forms.ChoiceField(label=_("Place of issue"), choices=City.choices)
    guarantor_id = forms.CharField(
        label=_("Guarantor's ID"), max_length=20, required=False,
        help_text=_("Optional: the national ID or iqama of a person who guarantees the note."),
    )

    def __init__(self, *args, debtor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.debtor = debtor
        self.creditor = self.guarantor = None  # found by the look-ups, shown back as typed
        for name in LIVE_FIELDS:
            self.fields[name].widget.attrs.update({"autocomplete": "off", "dir": "ltr", "inputmode": "numeric"})

    def clean_creditor_id(self):
        self.creditor = find_party(self.cleaned_data["creditor_id"])
        return self.creditor

    def clean_guarantor_id(self):
        value = self.cleaned_data.get("guarantor_id")
        if not value:
            return None
        self.guarantor = find_party(value, entities=False)
        return self.guarantor


class EndorseForm(forms.Form):
    new_holder_id = forms.CharField(
        label=_("New holder's ID or CR number"),
        max_length=20,
        help_text=_(
            "The national ID, iqama or commercial registration number of the person or entity you transfer the note to."
        ),
    )

    def clean_new_holder_id(self):
        holder = find_party(self.cleaned_data["new_holder_id"])
        if holder is None:
            raise forms.ValidationError(_("No person or entity with this number is found in the registries."))
        return holder


class EnforceForm(forms.Form):
    iban = forms.ChoiceField(label=_("Pay the collected money into"), widget=forms.RadioSelect)

    def __init__(self, *args, ibans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["iban"].choices = [(iban, iban) for iban in ibans]
        if ibans:
            self.fields["iban"].initial = ibans[0]

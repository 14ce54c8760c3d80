"""Forms of the e-promissory note screens. Bad input is a form error, never a server error."""

import re

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from najiz.common import clock
from najiz.common.identifiers import is_valid_national_id, normalize_digits
from najiz.common.money import AmountField
from najiz.registries import services as registries
from najiz.registries.cities import City

CR_RE = re.compile(r"^\d{10}$")


def _clean_number(value) -> str:
    try:
        return normalize_digits(value or "")[:20]
    except Exception:
        return ""


def find_party(value, *, entities=True):
    """A registry person (by national id / iqama) or entity (by CR number), or None."""
    text = _clean_number(value)
    if is_valid_national_id(text):
        found = registries.person(text)
        if found is not None and found.alive:
            return found
        return None
    if entities and CR_RE.fullmatch(text):
        return registries.entity(text)
    return None


# Looked up while typed, their names shown back; the due date shown back in Hijri and Gregorian.
LIVE_FIELDS = ("creditor_id", "guarantor_id", "due_date")


class IssueNoteForm(forms.Form):
    creditor_id = forms.CharField(
        label=_("Creditor's ID or CR number"), max_length=20,
        help_text=_("The national ID, iqama or commercial registration number of the person or entity you owe."),
    )
    amount = AmountField(label=_("Amount (SAR)"))
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
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
            self.fields[name].widget.attrs.update({
                "hx-post": reverse("einstruments:validate", args=[name]),
                "hx-trigger": "keyup changed delay:400ms, change",
                "hx-target": f"#{name}-feedback",
                "hx-swap": "innerHTML",
                "hx-include": "closest form",
                "autocomplete": "off",
                "dir": "ltr",
            })
            if name != "due_date":
                self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean_creditor_id(self):
        creditor = find_party(self.cleaned_data["creditor_id"])
        if creditor is None:
            raise forms.ValidationError(_("No person or entity with this number is found in the registries."))
        if creditor == self.debtor:
            raise forms.ValidationError(_("You cannot issue a note to yourself."))
        self.creditor = creditor
        return creditor

    def clean_guarantor_id(self):
        value = self.cleaned_data.get("guarantor_id")
        if not value:
            return None
        guarantor = find_party(value, entities=False)
        if guarantor is None:
            raise forms.ValidationError(_("No person with this ID is found in the civil registry."))
        if guarantor == self.debtor:
            raise forms.ValidationError(_("The debtor cannot guarantee their own note."))
        self.guarantor = guarantor
        return guarantor

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < clock.today():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due

    def clean(self):
        data = super().clean()
        if data.get("guarantor_id") is not None and data.get("guarantor_id") == data.get("creditor_id"):
            self.add_error("guarantor_id", _("The guarantor must be someone other than the creditor."))
        return data


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

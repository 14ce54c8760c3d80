"""The new conveyance form (طلب إفراغ). The same validators serve live validation and submission.

A deed is described only to someone who may sell it: an owner, an heir of a deceased owner (on a
heirs deed), or the agent named in a power of attorney of an owner. A buyer's name is shown once
the id is a valid one found in the civil registry (so the seller can check whom they sell to).
"""

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from najiz.common.identifiers import is_valid_national_id, normalize_digits
from najiz.common.money import AmountField, sar_text, to_sar
from najiz.registries import services as registries

from . import buyers as named_buyers
from .states import BuyersPay, Capacity, PaymentMethod, TaxPayer

LIVE_FIELDS = ("deed_number", "heirs_deed_number", "poa_number", "buyer_id", "price")
# The buyers beside the first, each an id and a share ("Buying together").
CO_BUYERS = range(1, named_buyers.MAX_BUYERS)
CR_RE = re.compile(r"^\d{10}$")
NOT_FOUND = _("No deed with this number was found for you.")


def max_price() -> Decimal:
    return to_sar(settings.CONVEYANCE_MAX_PRICE)


def tax_rate_label() -> str:
    """CONVEYANCE_TAX_RATE as people read it: "5%"."""
    return f"{(Decimal(settings.CONVEYANCE_TAX_RATE) * 100).normalize():f}%"


class ConveyanceForm(forms.Form):
    capacity = forms.ChoiceField(
        label=_("You sell as"), choices=Capacity.choices, initial=Capacity.OWNER, widget=forms.RadioSelect
    )
    deed_number = forms.CharField(
        label=_("Deed number"), max_length=20, help_text=_("The number of the electronic deed of the property.")
    )
    heirs_deed_number = forms.CharField(
        label=_("Heirs deed number"), max_length=20, required=False,
        help_text=_("Only when selling as an heir: the deed of inheritance limitation of the deceased owner."),
    )
    poa_number = forms.CharField(
        label=_("Power of attorney number"), max_length=20, required=False,
        help_text=_("Only when selling as an agent: the power of attorney must name the transfer of ownership."),
    )
    share_only = forms.BooleanField(
        label=_("Sell only my share: the other owners keep theirs"), required=False,
        help_text=_("For a co-owner: the buyers take your share alone, and the new deed keeps the other owners' "
                    "shares."),
    )
    buyer_id = forms.CharField(label=_("Buyer's national ID or iqama"), max_length=10)
    buyer_share = forms.CharField(
        label=_("Buyer's share"), max_length=named_buyers.SHARE_MAX_LENGTH, required=False,
        help_text=_("Only with several buyers: the fraction of the property this buyer buys, such as 1/2."),
    )
    price = AmountField(
        label=_("Price (SAR)"), min_value=Decimal("0"),
        error_messages={"invalid": _("Enter the price in riyals, e.g. 850000.00.")},
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"), choices=PaymentMethod.choices, initial=PaymentMethod.MADA, widget=forms.RadioSelect
    )
    tax_payer = forms.ChoiceField(
        label=_("The real-estate transaction tax is paid by"), choices=TaxPayer.choices, initial=TaxPayer.SELLER,
        widget=forms.RadioSelect, required=False,
        help_text=_("%(rate)s of the price, paid to the tax authority before the transfer; the seller pays it "
                    "unless you agree otherwise. A buyer holding a first-home certificate pays no tax on the "
                    "first 1,000,000 SAR."),
        error_messages={
            "invalid_choice": _("Choose who pays the real-estate transaction tax: the seller or the buyer."),
        },
    )

    buyers_pay = forms.ChoiceField(
        label=_("With several buyers, the price is paid by"), choices=BuyersPay.choices, initial=BuyersPay.EACH,
        widget=forms.RadioSelect, required=False,
        error_messages={"invalid_choice": _("Choose how the buyers pay the price: each their share, or the first "
                                            "buyer all.")},
    )

    def __init__(self, *args, user, acting_entity=None, **kwargs):
        super().__init__(*args, **kwargs)
        for index in CO_BUYERS:
            self.fields[f"co_buyer_id_{index}"] = forms.CharField(
                label=_("Other buyer %(n)s: national ID or iqama") % {"n": index}, max_length=10, required=False)
            self.fields[f"co_buyer_share_{index}"] = forms.CharField(
                label=_("Other buyer %(n)s: share") % {"n": index}, max_length=named_buyers.SHARE_MAX_LENGTH,
                required=False)
        for name in ("buyer_share", *self.co_buyer_fields()):
            self.fields[name].widget.attrs.update({"class": "input", "dir": "ltr", "autocomplete": "off"})
        self.buyers = []
        self.user, self.acting_entity = user, acting_entity
        self.person = registries.person(user.national_id)
        self.deed = None
        self.encumbrances = []
        self.buyer = None
        self.heirs_deed = None
        self.poa = None
        for name in LIVE_FIELDS:
            self.fields[name].widget.attrs.update({
                "hx-post": reverse("conveyance:validate", args=[name]),
                "hx-trigger": "keyup changed delay:400ms, change",
                "hx-target": f"#{name}-feedback",
                "hx-swap": "innerHTML",
                "hx-include": "closest form",
                "autocomplete": "off",
                "class": "input",
                "dir": "ltr",
            })
        for name in ("deed_number", "heirs_deed_number", "poa_number", "buyer_id"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        self.fields["price"].widget.attrs["inputmode"] = "decimal"
        self.fields["tax_payer"].help_text = self.fields["tax_payer"].help_text % {"rate": tax_rate_label()}

    # --- helpers ----------------------------------------------------------------------------

    @staticmethod
    def co_buyer_fields() -> list[str]:
        return [f"co_buyer_{part}_{index}" for index in CO_BUYERS for part in ("id", "share")]

    def co_buyer_rows(self) -> list[tuple]:
        """The bound fields of the other buyers, (id, share) row by row, for the page."""
        return [(self[f"co_buyer_id_{index}"], self[f"co_buyer_share_{index}"]) for index in CO_BUYERS]

    def _capacity(self):
        return self.data.get("capacity") if self.is_bound else Capacity.OWNER

    def _number(self, name) -> str:
        return normalize_digits(self.cleaned_data.get(name, "") or "").strip()

    def _may_see(self, deed) -> bool:
        if self.person is None:
            return False
        if deed.share_of(self.person):
            return True
        owners = {p.pk for p in deed.owners}
        for owner in deed.owners:
            if not owner.alive and any(self.person in hd.heirs for hd in registries.heirs_deeds_of(owner)):
                return True
        poa_number = normalize_digits(self.data.get("poa_number", "") or "").strip()
        poa = registries.poa(poa_number) if poa_number else None
        return poa is not None and poa.agent_id == self.person.pk and poa.principal_id in owners

    # --- fields -----------------------------------------------------------------------------

    def clean_deed_number(self):
        number = self._number("deed_number")
        deed = registries.deed(number) if number else None
        if deed is None or not self._may_see(deed):
            raise forms.ValidationError(NOT_FOUND, code="not_found")
        self.deed = deed
        self.encumbrances = registries.active_encumbrances(deed)
        return deed.number

    def clean_heirs_deed_number(self):
        number = self._number("heirs_deed_number")
        if self._capacity() != Capacity.HEIR:
            return ""
        if not number:
            raise forms.ValidationError(_("Enter the heirs deed number."), code="required")
        found = registries.heirs_deed(number)
        if found is None or self.person is None or self.person not in found.heirs:
            raise forms.ValidationError(_("No heirs deed with this number names you as an heir."), code="not_found")
        self.heirs_deed = found
        return found.number

    def clean_poa_number(self):
        number = self._number("poa_number")
        if self._capacity() != Capacity.AGENT:
            return ""
        if not number:
            raise forms.ValidationError(_("Enter the power of attorney number."), code="required")
        found = registries.poa(number)
        if found is None or self.person is None or found.agent_id != self.person.pk:
            raise forms.ValidationError(
                _("No power of attorney with this number names you as the agent."), code="not_found"
            )
        self.poa = found
        return found.number

    def clean_buyer_id(self):
        value = self._number("buyer_id")
        if CR_RE.fullmatch(value) and not is_valid_national_id(value) and registries.entity(value):
            raise forms.ValidationError(
                _("Electronic conveyance is for individuals only: a company or establishment cannot be the buyer."),
                code="entity",
            )
        if not is_valid_national_id(value):
            raise forms.ValidationError(_("Enter a valid national ID or iqama number (10 digits)."), code="invalid")
        buyer = registries.person(value)
        if buyer is None:
            raise forms.ValidationError(_("No person with this ID is found in the civil registry."), code="not_found")
        if self.person is not None and buyer.pk == self.person.pk:
            raise forms.ValidationError(_("You cannot sell to yourself."), code="self")
        self.buyer = buyer
        return value

    def clean_price(self):
        price = self.cleaned_data["price"]
        if price <= 0:
            raise forms.ValidationError(_("The price must be more than zero."), code="not_positive")
        if price > max_price():
            raise forms.ValidationError(
                _("The price may not exceed %(limit)s in an electronic conveyance."), code="over_limit",
                params={"limit": sar_text(max_price())},
            )
        return price

    def clean(self):
        data = super().clean()
        if self.acting_entity is not None:
            raise forms.ValidationError(
                _("Electronic conveyance is for individuals only: switch to acting for yourself."), code="entity"
            )
        if self.person is None:
            raise forms.ValidationError(_("You are not found in the civil registry."), code="filer")
        self._clean_buyers(data)
        return data

    def _clean_buyers(self, data):
        """The buyers and their shares as one list (conveyance.buyers): each problem by the field
        of the buyer it concerns, the shares' total on the form."""
        if "buyer_id" not in data:
            return
        pairs = [(data["buyer_id"], data.get("buyer_share", ""))]
        pairs += [(data.get(f"co_buyer_id_{i}", ""), data.get(f"co_buyer_share_{i}", "")) for i in CO_BUYERS]
        sellers = [self.person.national_id]
        if self.deed is not None and not data.get("share_only"):
            sellers += [owner.national_id for owner in self.deed.owners]
        try:
            rows = named_buyers.checked(pairs, seller_ids=sellers)
        except named_buyers.BuyersRefused as refused:
            self.add_error(self._buyer_field(refused, pairs), refused.message)
            return
        for index, (number, _share) in enumerate(rows[1:], start=1):
            if registries.person(number) is None:
                self.add_error(self._buyer_field(named_buyers.BuyersRefused("", "buyer_id", index), pairs),
                               named_buyers.NOT_FOUND % {"id": number})
                return
        self.buyers = [(number, f"{n}/{d}") for number, (n, d) in rows]

    @staticmethod
    def _buyer_field(refused, pairs) -> str | None:
        """The field a refusal concerns: the index counts the buyers typed (blank rows skipped)."""
        if refused.index is None:
            return None
        typed = [i for i, (id_, share) in enumerate(pairs) if str(id_ or "").strip() or str(share or "").strip()]
        position = typed[refused.index] if refused.index < len(typed) else 0
        part = "id" if refused.code == "buyer_id" else "share"
        return f"buyer_{part}" if position == 0 else f"co_buyer_{part}_{position}"

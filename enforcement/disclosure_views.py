"""The debtor's disclosure of assets from the request page (enforcement.disclosure): the form
offers the assets the registries hold of the debtor, to pick, never to type; the service checks
each again."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from najiz.common.money import format_sar, to_sar

from . import disclosure, selectors
from .motion_forms import _MotionForm
from .motion_views import NOT_NOW, _debtor_of

PREFIX = "disclosure"


def asset_label(asset) -> str:
    value = format_sar(to_sar(asset["value"]))
    if asset["kind"] == "account":
        return _("%(bank)s account %(iban)s, available balance %(value)s") % {
            "bank": asset["bank"], "iban": asset["masked"], "value": value}
    label = _("Deed %(number)s: %(type)s in %(city)s, a share of %(share)s, counts for %(value)s") % {
        "number": asset["number"], "type": asset["property_type"], "city": asset["city"],
        "share": asset["share"].rstrip("0").rstrip("."), "value": value}
    if asset["encumbered"]:
        label = _("%(asset)s (mortgaged or seized for another case: it counts for nothing)") % {"asset": label}
    return label


class AssetsField(forms.MultipleChoiceField):
    """The keys picked, each one of the choices; a key that is not one gets the same "not found"
    words whether it names another person's asset or nothing at all."""

    widget = forms.CheckboxSelectMultiple

    def validate(self, value):
        if not value:
            raise forms.ValidationError(_("Pick at least one of your assets."), code="required")
        if len(value) > disclosure.MAX_ASSETS:
            raise forms.ValidationError(_("Pick at most %(max)s assets."), code="too_many",
                                        params={"max": disclosure.MAX_ASSETS})
        for key in value:
            if len(key) > disclosure.KEY_MAX or not key.isprintable():
                raise forms.ValidationError(_("An asset number is not valid."), code="invalid")
        for key in value:
            if not self.valid_value(key):
                raise forms.ValidationError(disclosure.NOT_FOUND, code="not_found", params={"value": key})


class DisclosureForm(_MotionForm):
    assets = AssetsField(
        label=_("Your assets in the registries"),
        help_text=_("Pick the accounts and deeds you disclose; the court may seize them to pay the debt."),
    )
    field_order = ["assets", "confirm"]

    def __init__(self, *args, assets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assets"].choices = [(asset["key"], asset_label(asset)) for asset in assets]


def _assets_shown(motion) -> list[dict]:
    return [{**asset, "label": asset_label(asset)} for asset in motion.assets]


def context(http_request, enforcement_request, *, is_debtor: bool, forms=None, motions=None) -> dict:
    """What the request page shows of disclosures: the record, to both parties, and the debtor's
    form while a disclosure applies. Given the request's `motions`, they are not read again."""
    shown = [{"motion": motion, "assets": _assets_shown(motion)}
             for motion in disclosure.disclosures_of(enforcement_request, motions)]
    form = (forms or {}).get(PREFIX)
    if form is None and is_debtor and disclosure.can_disclose(enforcement_request, motions):
        debtor = _debtor_of(http_request, enforcement_request)
        assets = disclosure.assets_of(debtor, enforcement_request) if debtor is not None else []
        if assets:  # nothing to pick: the registries hold no account or deed of the debtor's
            form = DisclosureForm(prefix=PREFIX, enforcement_request=enforcement_request, assets=assets)
    return {"disclosures": shown, "disclosure_form": form}


@login_required
def disclose(http_request, number):
    """POST the assets picked. Anyone but the request's debtor gets 404; when a disclosure does
    not apply now, 409; bad input or an asset that is not the debtor's, 400 with the reason."""
    if http_request.method != "POST":
        raise Http404
    from .views import _detail_context

    enforcement_request = selectors.request_for(http_request, number)
    debtor = _debtor_of(http_request, enforcement_request)
    if debtor is None:
        raise Http404

    def page(status, **extra):
        return render(http_request, "enforcement/detail.html",
                      _detail_context(http_request, enforcement_request, **extra), status=status)

    if not disclosure.can_disclose(enforcement_request):
        return page(409, action_error=NOT_NOW)
    form = DisclosureForm(http_request.POST, prefix=PREFIX, enforcement_request=enforcement_request,
                          assets=disclosure.assets_of(debtor, enforcement_request))
    if not form.is_valid():
        return page(400, motion_forms={PREFIX: form})
    try:
        motion = disclosure.disclose(enforcement_request, user=http_request.user, debtor=debtor,
                                     keys=form.cleaned_data["assets"])
    except disclosure.MotionRefused as refusal:
        enforcement_request = selectors.request_for(http_request, number)
        return page(409, action_error=str(refusal.message))
    if motion.status == motion.State.GRANTED:
        messages.success(http_request, _("Your disclosure covers the debt: the measures are limited to seizing the "
                                         "assets you disclosed."))
    else:
        messages.success(http_request, _("Your disclosure was recorded. It does not cover the debt, so the measures "
                                         "of Art. 46 apply."))
    return redirect("enforcement:detail", number=enforcement_request.number)

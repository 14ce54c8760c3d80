from datetime import timedelta

from django import forms
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from najiz.common.identifiers import is_valid_national_id, normalize_digits

from . import services

# Far more than any id typed with spaces; longer input is refused before any other work.
MAX_TYPED_LENGTH = 40


def lock_message(until) -> str:
    """The refusal for a locked id, saying when to try again (local time, to the next minute, so
    that trying at the time shown succeeds)."""
    local = timezone.localtime(until)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return gettext("Too many unsuccessful attempts with this ID. Try again after %(time)s.") % {
        "time": local.strftime("%H:%M"),
    }


class NationalIdField(forms.CharField):
    """A national ID / iqama: 10 digits, starting 1 or 2, check digit; Arabic-Indic digits accepted."""

    default_error_messages = {
        "invalid_national_id": _("Enter a valid national ID or iqama number: 10 digits starting with 1 or 2."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("National ID / iqama number"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "username", "dir": "ltr", "spellcheck": "false"}
            ),
        )
        super().__init__(strip=True, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if len(value) > MAX_TYPED_LENGTH:
            return value[:MAX_TYPED_LENGTH + 1]
        return normalize_digits(value)

    def validate(self, value):
        super().validate(value)
        if value and not is_valid_national_id(value):
            raise forms.ValidationError(self.error_messages["invalid_national_id"], code="invalid_national_id")


class NafathStartForm(forms.Form):
    national_id = NationalIdField(
        help_text=_("You will be asked to choose a number in the Nafath app on your phone."),
    )


class SimulatorLookupForm(forms.Form):
    national_id = NationalIdField()


class SimulatorAnswerForm(forms.Form):
    number = forms.IntegerField(min_value=10, max_value=99)


class StaffLoginForm(forms.Form):
    national_id = NationalIdField()
    password = forms.CharField(
        label=_("Password"), strip=False, max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "dir": "ltr"}),
    )

    error_messages = {
        "invalid_login": _("The national ID or the password is incorrect, or this account cannot use this sign-in."),
    }

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        self.locked_until = None  # set when the id is locked: the end of the lock
        super().__init__(*args, **kwargs)

    def _locked(self, until):
        self.locked_until = until
        return forms.ValidationError(lock_message(until), code="locked")

    def clean(self):
        cleaned = super().clean()
        national_id, password = cleaned.get("national_id"), cleaned.get("password")
        if national_id and password:
            until = services.staff_locked_until(national_id)
            if until:
                raise self._locked(until)
            user = authenticate(self.request, national_id=national_id, password=password)
            if user is None or not user.is_staff or not user.is_active:
                services.record_staff_failure(national_id)
                until = services.staff_locked_until(national_id)
                if until:  # this failure locked the id: say so now, not only at the next try
                    raise self._locked(until)
                raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
            self.user = user
        return cleaned


class ActAsForm(forms.Form):
    entity = forms.CharField(required=False, max_length=MAX_TYPED_LENGTH)

    def clean_entity(self):
        return normalize_digits(self.cleaned_data.get("entity"))

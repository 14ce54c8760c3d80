"""The registry of notification kinds: what each kind says, in every language of the portal.

Apps register their kinds once, from their AppConfig.ready(), never on import: each keeps a
table of its kinds in alerts.py and a register_kinds() that ready() calls:

    from django.utils.translation import gettext_lazy as _
    from notifications import kinds

    KINDS = {
        "enforcement.order_issued": (
            _("Execution order on request {number}"),
            _("An execution order was issued against you for {amount}. Pay within five days."),
        ),
    }

    def register_kinds() -> None:
        for kind, (subject, body) in KINDS.items():
            kinds.register(kind, subject=subject, body=body)

A notification is rendered in Arabic and English when it is created and the texts are stored:
what was sent stays on record even if the wording of the kind changes later. A parameter may be
a plain value, a lazy translation (rendered in each language), or {"ar": ..., "en": ...}.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import override

from najiz.common import formats


class UnknownKind(LookupError):
    """The kind was never registered."""


class KindParamsError(ValueError):
    """The parameters given do not fill the kind's texts."""


@dataclass(frozen=True)
class Kind:
    name: str
    subject: object  # str or lazy translation with {param} placeholders
    body: object


_KINDS: dict[str, Kind] = {}


def register(kind: str, *, subject, body) -> Kind:
    """Register (or replace) a kind; returns it."""
    if not kind or len(kind) > 80:
        raise ValueError("A notification kind is a non-empty key of at most 80 characters.")
    _KINDS[kind] = Kind(kind, subject, body)
    return _KINDS[kind]


def unregister(kind: str) -> None:
    _KINDS.pop(kind, None)


def get(kind: str) -> Kind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise UnknownKind(f"Notification kind {kind!r} is not registered.") from None


def known_kinds() -> set[str]:
    return set(_KINDS)


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _localize(value, language: str):
    if isinstance(value, dict) and language in value:
        return value[language]
    if isinstance(value, Promise):
        return str(value)
    return value


def render(kind: str, params: dict | None, language: str) -> tuple[str, str]:
    """(subject, body) of `kind` filled with `params`, in `language`."""
    entry = get(kind)
    with override(language):
        values = formats.message_params({name: _localize(value, language) for name, value in (params or {}).items()})
        try:
            subject = str(entry.subject).format(**values)
            body = str(entry.body).format(**values)
        except (KeyError, IndexError) as error:
            raise KindParamsError(f"Notification kind {kind!r} needs the parameter {error}.") from None
    return " ".join(subject.split())[:255], body.strip()

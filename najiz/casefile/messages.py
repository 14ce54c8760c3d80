"""What each event kind says on a timeline, in the reader's language.

Apps register their event kinds (in AppConfig.ready) as {kind: gettext_lazy("... {param} ...")};
an event stores only its kind and parameters, so the text follows the reader's language.
"""

from django.utils.translation import gettext as _

from najiz.common import formats

_MESSAGES: dict = {}


def register(messages: dict) -> None:
    _MESSAGES.update(messages)


def render(kind: str, params: dict | None = None) -> str:
    template = _MESSAGES.get(kind)
    if template is None:
        return kind
    try:
        return str(template).format(**formats.message_params(params))
    except (KeyError, IndexError, ValueError):
        return str(template)


def known_kinds() -> set[str]:
    return set(_MESSAGES)


__all__ = ["_", "known_kinds", "register", "render"]

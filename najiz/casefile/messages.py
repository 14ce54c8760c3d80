"""What each event kind says on a timeline, in the reader's language.

Apps register their event kinds (in AppConfig.ready) as {kind: gettext_lazy("... {param} ...")};
an event stores only its kind and parameters, so the text follows the reader's language.
"""

from django.utils.translation import gettext as _

from najiz.common import formats

_MESSAGES: dict = {}
_PARAMS: dict = {}


def register(messages: dict, *, params: dict | None = None) -> None:
    """`params` names a parameter's reader: {name: function(stored value) -> text}, for a
    parameter stored as a code (a circuit's code reads as the circuit's name)."""
    _MESSAGES.update(messages)
    _PARAMS.update(params or {})


def _shown(params: dict) -> dict:
    return {key: _PARAMS[key](value) if key in _PARAMS else value for key, value in params.items()}


def render(kind: str, params: dict | None = None) -> str:
    template = _MESSAGES.get(kind)
    if template is None:
        return kind
    try:
        return str(template).format(**formats.message_params(_shown(params or {})))
    except (KeyError, IndexError, ValueError):
        return str(template)


def known_kinds() -> set[str]:
    return set(_MESSAGES)


__all__ = ["_", "known_kinds", "register", "render"]

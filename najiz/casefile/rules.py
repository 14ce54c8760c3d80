"""The shape every automatic check returns, shared by enforcement and conveyance rules."""

from dataclasses import asdict, dataclass
from functools import lru_cache

from django.utils import translation
from django.utils.functional import Promise


@dataclass(frozen=True)
class RuleResult:
    """One rule's outcome, with its message in both languages (the trace keeps both).

    passed is True or False, or None when the rule could not apply (e.g. the instrument a rule
    would inspect was not found; the rule that found it missing is the one that fails).
    """

    id: str
    passed: bool | None
    message_ar: str
    message_en: str

    def as_dict(self) -> dict:
        return asdict(self)


def result(rule_id: str, passed: bool | None, message, **params) -> RuleResult:
    """Build a RuleResult from a lazy translatable message (with %(name)s params), rendered in
    Arabic and English; a lazy param is rendered in each language too."""
    message_ar, message_en = _in_both_languages(*_message_key(message))
    if params:
        message_ar, message_en = message_ar % _params_in("ar", params), message_en % _params_in("en", params)
    return RuleResult(rule_id, passed, message_ar, message_en)


def _params_in(language: str, params: dict) -> dict:
    """A lazy parameter (a circuit's name, lazystr(circuit)) is read in each language in turn."""
    if not any(isinstance(value, Promise) for value in params.values()):
        return params
    with translation.override(language):
        return {key: str(value) if isinstance(value, Promise) else value for key, value in params.items()}


def _message_key(message) -> tuple:
    """A lazy message is known by its gettext function and arguments (what it pickles as)."""
    if isinstance(message, Promise):
        func, args, kw = message.__reduce__()[1][:3]
        return func, args, tuple(sorted(kw.items()))
    return None, (str(message),), ()


@lru_cache(maxsize=1024)
def _in_both_languages(func, args: tuple, kw: tuple) -> tuple[str, str]:
    """Each message is translated once per process, not at every decision."""
    texts = []
    for language in ("ar", "en"):
        with translation.override(language):
            texts.append(str(func(*args, **dict(kw))) if func else args[0])
    return texts[0], texts[1]


_RULE_NAMES: dict = {}


def name_rules(names: dict) -> None:
    """Apps give each rule id a name in the rule's own words ({id: gettext_lazy(...)}), which the
    judges' screens show in place of the id."""
    _RULE_NAMES.update(names)


def rule_name(rule_id: str) -> str:
    return str(_RULE_NAMES.get(rule_id, rule_id))


def message_for(rule: dict) -> str:
    """A stored rule's message in the active language."""
    lang = translation.get_language() or "ar"
    return rule["message_en"] if lang.startswith("en") else rule["message_ar"]


def failed(rules) -> list:
    """The rules (RuleResults or stored dicts) that failed; not-applicable ones are not failures."""
    return [r for r in rules if (r["passed"] if isinstance(r, dict) else r.passed) is False]


@dataclass(frozen=True)
class Check:
    """A rule's result placed by the form field it concerns, for a pre-check while typing."""

    rule: RuleResult
    field: str

    @property
    def message(self) -> str:
        return message_for(self.rule.as_dict())

    @property
    def blocks(self) -> bool:
        return self.rule.passed is False

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
    Arabic and English."""
    message_ar, message_en = _in_both_languages(*_message_key(message))
    if params:
        message_ar, message_en = message_ar % params, message_en % params
    return RuleResult(rule_id, passed, message_ar, message_en)


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

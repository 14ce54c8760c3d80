"""The shape every automatic check returns, shared by enforcement and conveyance rules."""

from dataclasses import asdict, dataclass

from django.utils import translation


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
    with translation.override("ar"):
        message_ar = str(message) % params if params else str(message)
    with translation.override("en"):
        message_en = str(message) % params if params else str(message)
    return RuleResult(rule_id, passed, message_ar, message_en)


def message_for(rule: dict) -> str:
    """A stored rule's message in the active language."""
    lang = translation.get_language() or "ar"
    return rule["message_en"] if lang.startswith("en") else rule["message_ar"]


def failed(rules) -> list:
    """The rules (RuleResults or stored dicts) that failed; not-applicable ones are not failures."""
    return [r for r in rules if (r["passed"] if isinstance(r, dict) else r.passed) is False]

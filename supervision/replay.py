"""Replay: run a past decision's rules again on its stored inputs, with today's rules.

Steps register a function inputs -> (outcome, rule results, rules version) under (case model
label, step), e.g. ("enforcement.enforcementrequest", "audit"). Conveyance registers its own
steps the same way: `replay.register("conveyance.conveyance", "eligibility")(fn)`.
"""

from dataclasses import dataclass

from najiz.casefile.models import Decision
from najiz.casefile.rules import failed

_REPLAYERS: dict = {}


def register(model_label: str, step: str):
    def decorator(fn):
        _REPLAYERS[(model_label.lower(), step)] = fn
        return fn

    return decorator


def replayable(decision: Decision) -> bool:
    return _key(decision) in _REPLAYERS


def _key(decision: Decision) -> tuple:
    return (f"{decision.case_type.app_label}.{decision.case_type.model}", decision.step)


@dataclass
class Replay:
    decision: Decision
    outcome: str
    rules: list  # stored-rule dicts, as a decision keeps them
    rules_version: str

    @property
    def differs(self) -> bool:
        return self.outcome != self.decision.outcome

    @property
    def version_changed(self) -> bool:
        return self.rules_version != self.decision.rules_version

    def comparison(self) -> list[dict]:
        """Each rule then and now, by id (rules added or removed show on one side only)."""
        then = {r["id"]: r for r in self.decision.rules}
        now = {r["id"]: r for r in self.rules}
        ids = list(then) + [rule_id for rule_id in now if rule_id not in then]
        return [
            {"id": rule_id, "then": then.get(rule_id), "now": now.get(rule_id),
             "changed": (then.get(rule_id) or {}).get("passed") != (now.get(rule_id) or {}).get("passed")}
            for rule_id in ids
        ]


def replay(decision: Decision) -> Replay | None:
    """Today's outcome for the decision's stored inputs; None if its step cannot be replayed."""
    fn = _REPLAYERS.get(_key(decision))
    if fn is None:
        return None
    outcome, results, version = fn(decision.inputs)
    rules = [r.as_dict() if hasattr(r, "as_dict") else dict(r) for r in results]
    return Replay(decision, outcome, rules, version)


# --- enforcement steps ----------------------------------------------------------------------
# Looked up on the module at call time, so a changed rule set (or version) is what replays.


@register("enforcement.enforcementrequest", "audit")
def _enforcement_audit(inputs):
    from enforcement import rules

    results = rules.run_audit(inputs)
    return ("rejected" if failed(results) else "accepted"), results, rules.RULES_VERSION


@register("enforcement.enforcementrequest", "measures")
def _enforcement_measures(inputs):
    from enforcement import rules

    results = rules.run_measures(inputs)
    return ("not_applied" if failed(results) else "measures_applied"), results, rules.RULES_VERSION


@register("enforcement.enforcementrequest", "disclosure")
def _enforcement_disclosure(inputs):
    from enforcement import disclosure

    results = disclosure.run_disclosure(inputs)
    return disclosure.outcome_of(results), results, disclosure.RULES_VERSION


# --- conveyance steps -----------------------------------------------------------------------


@register("conveyance.conveyance", "eligibility")
def _conveyance_eligibility(inputs):
    from conveyance import rules

    results = rules.run_eligibility(inputs)
    return ("rejected" if failed(results) else "awaiting_consents"), results, rules.RULES_VERSION


@register("conveyance.conveyance", "transfer")
def _conveyance_transfer(inputs):
    from conveyance import rules

    results = rules.run_eligibility(inputs)
    return ("rejected" if failed(results) else "transferred"), results, rules.RULES_VERSION

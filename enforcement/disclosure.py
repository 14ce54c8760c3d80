"""Disclosure of assets (إفصاح, docs/design.md §6): after the order the debtor discloses assets,
picked from what the registries hold of theirs. Art. 46 presses with its measures a debtor who
neither pays nor discloses enough: when the disclosed assets cover what is outstanding, the
measures are limited to seizing them (no travel ban, no stop on powers of attorney, no credit
report, no bar on dealings); when they do not, the measures apply as they would and the
disclosure is recorded.

The law lets the system decide this, so it does: each disclosure leaves a Decision with its
reasons for the circuit's supervision queue, where the judge confirms it or overrules it (the
measures then apply in full). Seized money goes through the one ledger (payments.seize_to_trust,
by enforcement.services)."""

from decimal import ROUND_DOWN

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from najiz.casefile import messages, services as casefile
from najiz.casefile.models import Actor, ReviewState
from najiz.casefile.rules import result
from najiz.common import clock
from najiz.common.money import HALALA, ZERO, sar_text, share_terms, to_sar
from najiz.registries import services as registries
from notifications import kinds

from . import rules, services
from .models import Measure, MeasureKind, Motion
from .motions import MotionRefused, among
from .signals import announce_motion
from .states import Status

RULES_VERSION = "disclosure-1"
STEP = "disclosure"
LIMITED, RECORDED = "measures_limited", "disclosure_recorded"
DISCLOSABLE = frozenset({Status.ORDER_ISSUED, Status.MEASURES_APPLIED})
MAX_ASSETS = 50
KEY_MAX = 40  # "account:" and an IBAN, "deed:" and a deed number

# What a covering disclosure keeps: the seizure of money and of the disclosed deeds. Every other
# measure of Art. 46 (the order to disclose itself among them) is no longer needed.
SEIZURES = frozenset({MeasureKind.FREEZE_BALANCE, MeasureKind.SEIZE_BALANCE, MeasureKind.DEED_SEIZURE})

NOT_FOUND = _("%(value)s is not found among your assets in the registries.")


# --- what the registries hold of the debtor -------------------------------------------------


def _ours(ref: str, number: str) -> bool:
    """A registry reference this request acted under (its number, or a later round of it)."""
    return ref == number or ref.startswith(f"{number}/")


def _deed_value(deed, person, number: str):
    """The debtor's share of the deed's value of record, to the halala below; nothing counts of a
    deed mortgaged, or seized for another case, since other claims come first on it."""
    for encumbrance in registries.active_encumbrances(deed):
        if encumbrance.kind == "mortgage" or not _ours(encumbrance.ref, number):
            return ZERO, True
    numerator, denominator = share_terms(deed.share_of(person))  # exact: "7/24" of the value
    return (deed.value_of_record * numerator / denominator).quantize(HALALA, rounding=ROUND_DOWN), False


def mask_iban(iban: str) -> str:
    return f"{iban[:4]} •••• •••• •••• •••• {iban[-4:]}"


def assets_of(debtor, request) -> list[dict]:
    """The debtor's assets as the registries hold them now, each with its key (what the form
    picks) and the value it counts for: an account's available balance, a share of a deed."""
    party = debtor.party
    if party is None:
        return []
    assets = [
        {"key": f"account:{a.iban}", "kind": "account", "iban": a.iban, "masked": mask_iban(a.iban),
         "bank": str(a.bank), "value": str(to_sar(a.balance - a.frozen)), "encumbered": False}
        for a in registries.accounts_of(party)
    ]
    for deed in registries.deeds_of(debtor.person) if debtor.person_id else []:
        value, encumbered = _deed_value(deed, debtor.person, request.number)
        assets.append({
            "key": f"deed:{deed.number}", "kind": "deed", "number": deed.number, "city": deed.get_city_display(),
            "property_type": deed.get_property_type_display(), "share": str(deed.share_of(debtor.person)),
            "value": str(value), "encumbered": encumbered,
        })
    return assets


def total_of(assets) -> str:
    return str(sum((to_sar(asset["value"]) for asset in assets), ZERO))


# --- rules: functions of the decision's inputs, never a query ---------------------------------


def assets_are_the_debtors(inputs):
    if set(inputs["picked"]) <= set(inputs["held"]):
        return result("assets_are_the_debtors", True, _("Every asset disclosed is registered to the debtor."))
    return result("assets_are_the_debtors", False, _("An asset disclosed is not registered to the debtor."))


def disclosure_covers(inputs):
    if to_sar(inputs["total"]) >= to_sar(inputs["outstanding"]):
        return result(
            "disclosure_covers", True,
            _("The assets disclosed (%(total)s) cover the %(outstanding)s outstanding: the measures are "
              "limited to seizing them."),
            total=sar_text(inputs["total"]), outstanding=sar_text(inputs["outstanding"]),
        )
    return result(
        "disclosure_covers", False,
        _("The assets disclosed (%(total)s) do not cover the %(outstanding)s outstanding: the measures "
          "apply as the law provides, and the disclosure is recorded."),
        total=sar_text(inputs["total"]), outstanding=sar_text(inputs["outstanding"]),
    )


DISCLOSURE_RULES = (assets_are_the_debtors, disclosure_covers)


def run_disclosure(inputs) -> list:
    return [rule(inputs) for rule in DISCLOSURE_RULES]


def outcome_of(results) -> str:
    return LIMITED if all(r.passed for r in results) else RECORDED


# --- reads ------------------------------------------------------------------------------------


def in_force(request, motions=None) -> Motion | None:
    """The disclosure that limits the measures now: granted, not ended, the newest; looked for in
    the request's `motions` (motions_of, oldest first) when given."""
    if motions is not None:
        found = among(motions, Motion.Kind.DISCLOSURE, Motion.State.GRANTED, ongoing=True)
        return found[-1] if found else None
    return request.motions.filter(kind=Motion.Kind.DISCLOSURE, status=Motion.State.GRANTED,
                                  ended_at__isnull=True).order_by("-filed_at", "-id").first()


def can_disclose(request, motions=None) -> bool:
    """After the order, while under enforcement, as long as no disclosure already covers the debt."""
    return request.status in DISCLOSABLE and request.outstanding > 0 and in_force(request, motions) is None


def disclosures_of(request, motions=None) -> list[Motion]:
    """The request's disclosures, oldest first; taken from its `motions` when given (motions_of)."""
    if motions is not None:
        return among(motions, Motion.Kind.DISCLOSURE)
    return list(request.motions.filter(kind=Motion.Kind.DISCLOSURE).order_by("filed_at", "id"))


_UNREAD = object()


def covering_snapshot(request, motion=_UNREAD) -> dict | None:
    """For the measures' inputs: the disclosure in force (`motion`, if the caller read it), its
    assets valued as the registries hold them now (an account spent since counts what is left),
    and whether they still cover."""
    if motion is _UNREAD:
        motion = in_force(request)
    if motion is None or motion.debtor_id is None:
        return None
    held = {asset["key"]: asset for asset in assets_of(motion.debtor, request)}
    assets = [held[asset["key"]] for asset in motion.assets if asset["key"] in held]
    total = total_of(assets)
    return {"motion": motion.pk, "debtor": motion.debtor.id_number, "assets": assets, "total": total,
            "covers": to_sar(total) >= request.outstanding}


# --- commands ---------------------------------------------------------------------------------


def _seize(request, debtor, assets, decision, ref) -> None:
    """Seize the disclosed assets, money first, up to what is owed: balances frozen and seized
    into the court's trust (services._seize_balances, the ledger's one path), deeds put under
    seizure unless this request holds them already."""
    accounts = [{"iban": asset["iban"]} for asset in assets if asset["kind"] == "account"]
    services._seize_balances(request, debtor, {"accounts": accounts}, decision, ref)
    seized = set(request.measures.filter(kind=MeasureKind.DEED_SEIZURE, status=Measure.State.APPLIED)
                 .values_list("target", flat=True))
    for asset in assets:
        if asset["kind"] != "deed" or asset["number"] in seized or request.outstanding <= 0:
            continue
        registries.place_seizure(registries.deed(asset["number"]), by=str(request.circuit or ""), ref=ref)
        services._measure(request, debtor, MeasureKind.DEED_SEIZURE, target=asset["number"], decision=decision,
                          ref=ref)


def limit_to_disclosure(request, inputs, decision, ref) -> bool:
    """The measures' round (services._apply_measures): with a disclosure in force that still
    covers, only its assets are seized. One that no longer covers ends here, and the measures
    apply in full. The caller holds the row lock."""
    snapshot = inputs.get("disclosure")
    if not snapshot:
        return False
    if not snapshot["covers"]:
        Motion.objects.filter(pk=snapshot["motion"]).update(ended_at=clock.now())
        casefile.record_event(request, "enforcement.disclosure_lapsed", decision=decision,
                              params={"total": snapshot["total"]})
        return False
    debtor = request.debtors.select_related("person", "entity").get(id_number=snapshot["debtor"])
    _seize(request, debtor, snapshot["assets"], decision, ref)
    return True


def _lift_the_rest(request, kept_deeds) -> int:
    """Once the disclosure covers: lift every measure but the seizures of money and of the
    disclosed deeds (each once: lift_measure does nothing to a lifted one)."""
    lifted = 0
    for measure in request.measures.filter(status=Measure.State.APPLIED).select_related(
        "debtor__person", "debtor__entity"
    ):
        if measure.kind in SEIZURES and (measure.kind != MeasureKind.DEED_SEIZURE or measure.target in kept_deeds):
            continue
        services.lift_measure(measure)
        lifted += 1
    return lifted


def _tell(request, kind, **params) -> None:
    from .alerts import alert_creditor, notify_debtors

    notify_debtors(request, kind, **params)
    alert_creditor(request, kind, **params)


@transaction.atomic
def disclose(request, *, user, debtor, keys) -> Motion:
    """The debtor discloses the assets picked (keys from assets_of). Refused, with nothing
    recorded, if one is not the debtor's: the same words whether it is another's or no one's."""
    request = services.locked(request.pk)
    if not can_disclose(request):
        raise MotionRefused(_("Assets can be disclosed after the order, while the debt is under enforcement and "
                              "no disclosure covers it yet."))
    picked = list(dict.fromkeys(keys))
    if not picked or len(picked) > MAX_ASSETS:
        raise MotionRefused(_("Pick from 1 to %(max)s of your assets.") % {"max": MAX_ASSETS})
    held = {asset["key"]: asset for asset in assets_of(debtor, request)}
    for key in picked:
        if key not in held:
            raise MotionRefused(NOT_FOUND % {"value": str(key)[:KEY_MAX]})
    assets = [held[key] for key in picked]
    inputs = {"debtor": debtor.id_number, "status": request.status, "outstanding": str(request.outstanding),
              "picked": picked, "held": sorted(held), "assets": assets, "total": total_of(assets),
              "now": clock.now().isoformat()}
    checks = run_disclosure(inputs)
    outcome = outcome_of(checks)
    covers = outcome == LIMITED
    motion = Motion.objects.create(
        request=request, kind=Motion.Kind.DISCLOSURE, assets=assets, filed_by=user, debtor=debtor,
        status=Motion.State.GRANTED if covers else Motion.State.RECORDED, decided_at=clock.now(),
    )
    inputs["motion"] = motion.pk
    motion.decision = casefile.record_decision(
        request, STEP, rules=checks, outcome=outcome, inputs=inputs, rules_version=RULES_VERSION,
        amount=request.outstanding, circuit=request.circuit,
    )
    motion.save(update_fields=["decision"])
    casefile.record_event(request, "enforcement.assets_disclosed", actor=Actor.PERSON, user=user,
                          decision=motion.decision, params={"total": inputs["total"], "count": len(assets)})
    # the system decides it at once: filed and decided (measures limited, or the disclosure recorded)
    announce_motion(request, motion, "motion.filed")
    announce_motion(request, motion, "motion.decided")
    # told before anything is seized, so the notice names what was outstanding when disclosed
    _tell(request, "enforcement.disclosure_limited" if covers else "enforcement.disclosure_recorded",
          total=inputs["total"])
    if not covers:
        return motion
    casefile.record_event(request, "enforcement.measures_limited", decision=motion.decision)
    if request.status == Status.MEASURES_APPLIED:
        kept = {asset["number"] for asset in assets if asset["kind"] == "deed"}
        _lift_the_rest(request, kept)
        _seize(request, debtor, assets, motion.decision, f"{request.number}/D{motion.pk}")
        services.settle_if_covered(request)
    return motion


@transaction.atomic
def overrule(decision, *, judge, reason: str) -> Motion:
    """The judge overrules a disclosure that limited the measures: it no longer stands, and the
    measures apply in full (now, once the period has lapsed; otherwise when it does)."""
    request = services.locked(decision.case_id)
    motion = request.motions.filter(decision=decision, kind=Motion.Kind.DISCLOSURE).first()
    if motion is None or decision.outcome != LIMITED:
        raise MotionRefused(_("Only a disclosure that limited the measures can be overruled."))
    if motion.status != Motion.State.GRANTED or motion.ended_at is not None:
        raise MotionRefused(_("This disclosure no longer limits the measures."))
    if decision.review_state != ReviewState.PENDING:
        raise MotionRefused(_("This decision has already been reviewed."))
    motion.status, motion.decided_by, motion.decided_at = Motion.State.DECLINED, judge, clock.now()
    motion.reasons, motion.ended_at = reason, clock.now()
    motion.save(update_fields=["status", "decided_by", "decided_at", "reasons", "ended_at"])
    casefile.review_decision(decision, judge=judge, state=ReviewState.OVERRIDDEN, reason=reason)
    casefile.record_event(request, "enforcement.disclosure_overruled", actor=Actor.JUDGE, user=judge,
                          decision=decision, params={"reason": reason})
    _tell(request, "enforcement.disclosure_overruled", reason=reason)
    announce_motion(request, motion, "motion.decided")
    if request.status == Status.MEASURES_APPLIED and request.outstanding > 0:
        # the deeds kept under seizure for the disclosure are seized again in the full round, as
        # new measures under its reference: lifted here so none is held twice at the registry
        for measure in request.measures.filter(kind=MeasureKind.DEED_SEIZURE, status=Measure.State.APPLIED):
            services.lift_measure(measure, actor=Actor.JUDGE, user=judge)
        inputs = services.gather_measure_inputs(request)
        checks = rules.run_measures(inputs)
        services._apply_measures(request, inputs, checks)
        services.settle_if_covered(request)
    return motion


# --- timeline texts and notices ---------------------------------------------------------------

messages.register({
    "enforcement.assets_disclosed": _("The debtor disclosed assets worth {total}, picked from the registries."),
    "enforcement.measures_limited": _(
        "The disclosed assets cover the debt: the measures are limited to seizing them, with no travel ban, stop on "
        "powers of attorney or credit report."
    ),
    "enforcement.disclosure_overruled": _(
        "The supervising judge overruled the disclosure; the measures apply in full: {reason}"
    ),
    "enforcement.disclosure_lapsed": _(
        "The disclosed assets no longer cover the debt (they are worth {total} now): the measures apply in full."
    ),
})

KINDS = {
    "enforcement.disclosure_limited": (
        _("Assets disclosed on request {number}"),
        _("The debtor disclosed assets worth {total} on enforcement request {number}, which cover the "
          "{amount} outstanding: the measures are limited to seizing them, with no travel ban, stop on powers "
          "of attorney or credit report."),
    ),
    "enforcement.disclosure_recorded": (
        _("Assets disclosed on request {number}"),
        _("The debtor disclosed assets worth {total} on enforcement request {number}. They do not cover the "
          "{amount} outstanding, so the measures of Art. 46 apply; the disclosure is recorded."),
    ),
    "enforcement.disclosure_overruled": (
        _("Disclosure overruled on request {number}"),
        _("The supervising judge overruled the disclosure of assets on request {number}: the measures of Art. 46 "
          "apply in full. Reasons: {reason}"),
    ),
}


def register_kinds() -> None:
    """Called from EnforcementConfig.ready()."""
    for kind, (subject, body) in KINDS.items():
        kinds.register(kind, subject=subject, body=body)

"""Who is told what, at each step of a request (through the notifications service)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from najiz.accounts.services import users_for_party
from najiz.registries import services as registries
from notifications import kinds, services as notifications

KINDS = {
    "enforcement.rejected": (
        _("Enforcement request {number} rejected"),
        _("Your enforcement request {number} did not pass the automatic audit. Open it to see the reasons."),
    ),
    "enforcement.order_issued": (
        _("Execution order on request {number}"),
        _(
            "An execution order (Art. 34) was issued against you on enforcement request {number} for {amount}. "
            "Pay within {days} days of this notification, or the enforcement measures of Art. 46 apply."
        ),
    ),
    "enforcement.order_issued_creditor": (
        _("Execution order issued on request {number}"),
        _("The execution order on your request {number} was issued and the debtor notified."),
    ),
    "enforcement.deadline_near": (
        _("Payment period ends soon on request {number}"),
        _("The payment period on enforcement request {number} ends on {deadline}. Outstanding: {amount}."),
    ),
    "enforcement.measures_applied": (
        _("Enforcement measures applied on request {number}"),
        _("The payment period lapsed; the measures of Art. 46 were applied on request {number}."),
    ),
    "enforcement.money_received": (
        _("Money received on request {number}"),
        _("{amount} was collected on enforcement request {number}."),
    ),
    "enforcement.closed": (
        _("Enforcement request {number} closed"),
        _("Enforcement request {number} was closed."),
    ),
    "enforcement.objection_filed": (
        _("The debtor objected on request {number}"),
        _(
            "The debtor filed an objection to enforcement on request {number} ({grounds}). The supervising judge "
            "will decide; enforcement goes on unless the judge suspends it."
        ),
    ),
    "enforcement.suspended": (
        _("Enforcement request {number} suspended"),
        _("The supervising judge suspended request {number} until deciding, and lifted its measures: {reason}"),
    ),
    "enforcement.objection_dismissed": (
        _("Objection dismissed on request {number}"),
        _("The supervising judge dismissed the objection on request {number}; enforcement goes on. Reasons: {reason}"),
    ),
    "enforcement.objection_upheld": (
        _("Objection upheld on request {number}"),
        _(
            "The supervising judge upheld the objection on request {number}: the request is ended and its measures "
            "lifted. Reasons: {reason}"
        ),
    ),
    "enforcement.grace_requested": (
        _("The debtor asked for a grace period on request {number}"),
        _("The debtor asked for a grace period of {days} days on request {number}. The supervising judge will decide."),
    ),
    "enforcement.grace_started": (
        _("Grace period on request {number}"),
        _(
            "A grace period on enforcement request {number} runs until {until}: the measures are lifted meanwhile. "
            "If {amount} is still owed then, enforcement reactivates. Reason: {reason}"
        ),
    ),
    "enforcement.grace_refused": (
        _("Grace period refused on request {number}"),
        _("The supervising judge refused the grace period on request {number}. Reasons: {reason}"),
    ),
    "enforcement.reactivated": (
        _("Enforcement reactivated on request {number}"),
        _("The grace period on request {number} is over and enforcement is reactivated: {amount} outstanding."),
    ),
    "enforcement.plan_proposed": (
        _("The debtor proposed an instalment plan on request {number}"),
        _(
            "The debtor proposed {count} monthly instalments of {instalment} on request {number} ({amount} "
            "outstanding). Open the request to accept or decline it; enforcement goes on until you accept."
        ),
    ),
    "enforcement.plan_accepted": (
        _("Instalment plan accepted on request {number}"),
        _(
            "The instalment plan on request {number} was accepted: {count} monthly instalments, the first of "
            "{instalment} due on {first_due}. The measures are lifted while each instalment is paid on time; "
            "an instalment left unpaid after its due date ends the plan and enforcement reactivates."
        ),
    ),
    "enforcement.plan_declined": (
        _("Instalment plan declined on request {number}"),
        _("The creditor declined your instalment plan on request {number}; enforcement goes on. Reason: {reason}"),
    ),
    "enforcement.instalment_paid": (
        _("Instalment {n} of {count} paid on request {number}"),
        _("Instalment {n} of {count} on request {number} was paid. Still owed: {amount}."),
    ),
    "enforcement.plan_defaulted": (
        _("Instalment plan ended on request {number}"),
        _(
            "Instalment {n}, due on {due_on}, was not paid in time: the instalment plan on request {number} has "
            "ended and enforcement is reactivated for the whole remainder of {amount}."
        ),
    ),
    "enforcement.plan_ended": (
        _("Instalment plan ended by the creditor on request {number}"),
        _(
            "The creditor ended the instalment plan on request {number} before its last instalment: the unpaid "
            "instalments' bills are cancelled, enforcement is reactivated for the whole remainder of {amount} and "
            "the measures apply again. Reasons: {reason}"
        ),
    ),
}


def register_kinds() -> None:
    """Called from EnforcementConfig.ready()."""
    for kind, (subject, body) in KINDS.items():
        kinds.register(kind, subject=subject, body=body)


def _params(request, **extra):
    return {"number": request.number, "amount": str(request.outstanding), **extra}


def _url(request):
    return reverse("enforcement:detail", args=[request.number])


def creditor_users(request) -> list:
    """Who hears of a request on the creditor's side: the filer of a personal request; for an
    entity's request, its filer only while they still represent the entity, else the entity's
    current representatives (a former representative learns nothing more of the case)."""
    if request.creditor_entity_id is None:
        return [request.filed_by]
    if registries.represents(request.filed_by.national_id, request.creditor_entity):
        return [request.filed_by]
    return users_for_party(request.creditor_entity)


def creditor_notices(request, kind, **extra) -> list:
    """The notices that tell the creditor's side of a request about it (see notifications.notify_many)."""
    params, url = _params(request, **extra), _url(request)
    return [notifications.Notice(user, kind, params=params, url=url, case=request) for user in creditor_users(request)]


def alert_creditor(request, kind, **extra):
    notifications.notify_many(creditor_notices(request, kind, **extra))


def debtor_notices(request, debtors, kind, users=None, **extra) -> list:
    """A notice to every portal user of every debtor; `users` maps national ids to accounts
    already at hand (the rest are looked up)."""
    from django.conf import settings

    params = _params(request, days=settings.ENFORCEMENT_PAYMENT_PERIOD.days, **extra)
    notices = []
    for debtor in debtors:
        known = (users or {}).get(getattr(debtor.person, "national_id", None))
        for user in [known] if known else users_for_party(debtor.party):
            notices.append(notifications.Notice(user, kind, params=params, url=_url(request), case=request))
    return notices


def reached(made) -> list[str]:
    """The channels the notifications `made` reach. A Najiz account counts as a channel only
    once its holder has signed in to it; SMS and e-mail count when the registry holds the number
    or address."""
    channels = set()
    for notification in made:
        for delivery in notification.created_deliveries:
            if delivery.status == "skipped" or (
                delivery.channel == "in_app" and notification.recipient.last_login is None
            ):
                continue
            channels.add(delivery.channel)
    return sorted(channels)


def notify_debtors(request, kind, **extra) -> list[str]:
    """Notify every debtor on every channel; return the channels that reached them."""
    notices = debtor_notices(request, request.debtors.select_related("person", "entity"), kind, **extra)
    return reached(notifications.notify_many(notices))

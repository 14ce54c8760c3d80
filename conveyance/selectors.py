"""Read queries for the conveyance screens, scoped to what the signed-in person may see.

The seller's side is always a person's (an entity never files a conveyance); the buyer's side is a
person's or an entity's. As everywhere (najiz.accounts.parties), a person reaches their own
conveyances only while acting for themselves, and an entity's side only while acting as it.
"""

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from najiz.accounts.parties import is_party, party_filter
from najiz.common.deadlines import Deadline
from najiz.common.identifiers import as_case_number
from najiz.common.money import format_share
from najiz.common.todo import Task
from najiz.registries import services as registries

from .models import Buyer, Consent, Conveyance
from .states import WAITING, Answer, Status


def _base():
    return Conveyance.objects.exclude(number__isnull=True).select_related(
        "deed", "filer", "buyer", "buyer_entity", "new_deed"
    )


def _seller(user, acting_entity) -> Q:
    consents = Consent.objects.filter(user=user).values("conveyance_id")
    return party_filter(acting_entity, entity=None, mine=Q(filed_by=user) | Q(pk__in=consents))


def _buyer(user, acting_entity) -> Q:
    purchases = Buyer.objects.filter(user=user).values("conveyance_id")
    return party_filter(acting_entity, entity="buyer_entity", mine=Q(buyer_user=user) | Q(pk__in=purchases))


def as_seller(user, acting_entity=None):
    """Conveyances the person filed, or in which they are a co-owner or heir giving up a share."""
    return _base().filter(_seller(user, acting_entity))


def as_buyer(user, acting_entity=None):
    return _base().filter(_buyer(user, acting_entity))


def conveyance_for(user, number, acting_entity=None) -> Conveyance:
    """The conveyance if the signed-in party is one of its parties; 404 otherwise (even when it exists)."""
    number = as_case_number(number)
    found = number and _base().filter(_seller(user, acting_entity) | _buyer(user, acting_entity), number=number).first()
    if not found:
        raise Http404
    return found


def pending_consent(user, conveyance):
    return conveyance.consents.filter(user=user, answer="pending").select_related("person").first()


def purchase_of(user, conveyance) -> Buyer | None:
    """The user's own row among the conveyance's buyers (their share, answer and bill), or None."""
    return conveyance.buyers.filter(user=user).select_related("person", "invoice").first()


def _for_themselves(acting_entity) -> bool:
    """Whether a deed's owner side may be the signed-in person's: deed owners in the real-estate
    registry are persons (no entity holds a deed there), so, by the rule of every case
    (najiz.accounts.parties), only while they act for themselves."""
    return is_party(acting_entity, entity_id=None, mine=True)


def my_deeds(user, acting_entity=None):
    """(person, rows) of the deeds the signed-in side holds a share in: the person's own while
    acting for themselves; none while acting for an entity, which holds no deed in the registry."""
    person = registries.person(user.national_id)
    if person is None or not _for_themselves(acting_entity):
        return person, []
    return person, [
        {"deed": deed, "share": format_share(deed.share_of(person)),
         "encumbrances": registries.active_encumbrances(deed)}
        for deed in registries.deeds_of(person)
    ]


def deeds_to_sell(user, acting_entity=None) -> list[dict]:
    """The deeds the person may sell, for the filing form's picker: their own; as an agent, the
    deeds of the principals of the powers of attorney naming them; as an heir, the deeds of the
    deceased on the heirs deeds naming them. Each with the capacity and document to file under.
    None while acting for an entity (conveyance is for individuals, and personal deeds stay
    out of the entity's screens)."""
    person = registries.person(user.national_id)
    if person is None or not _for_themselves(acting_entity):
        return []
    rows = [{"deed": deed, "capacity": "owner", "document": ""} for deed in registries.deeds_of(person)]
    for poa in registries.poas_held_by(person):
        rows += [{"deed": deed, "capacity": "agent", "document": poa.number, "for": poa.principal}
                 for deed in registries.deeds_of(poa.principal)]
    for heirs in registries.heirs_deeds_naming(person):
        rows += [{"deed": deed, "capacity": "heir", "document": heirs.number, "for": heirs.deceased}
                 for deed in registries.deeds_of(heirs.deceased)]
    for row in rows:
        row["encumbrances"] = registries.active_encumbrances(row["deed"])
    return rows


def deed_for_owner(user, number, acting_entity=None):
    """A deed (of any status) in which the signed-in side holds or held a share; 404 otherwise
    (also while acting for an entity: see my_deeds)."""
    deed = registries.deed(number)
    person = registries.person(user.national_id)
    if deed is None or person is None or not _for_themselves(acting_entity) or not deed.share_of(person):
        raise Http404
    return deed


def deed_file(deed, request=None) -> dict:
    """What a deed's page shows: its owners with their shares, the active encumbrances, the
    previous deed, the four sides, and the link a verifier follows."""
    from . import deeds

    return {
        "deed": deed,
        "owners": list(deed.owner_rows.select_related("person").all()),
        "encumbrances": registries.active_encumbrances(deed),
        "previous": deed.previous,
        "boundaries": deed.boundaries(),
        "verify_url": deeds.verification_url(deed.number, request),
    }


def operational_figures(*, since, idle_before) -> dict:
    """For the operators (operations app): payment → new deed latency of the deeds issued since
    `since`, and the conveyances left in an automatic state since before `idle_before`. Both
    narrow on status_changed_at (indexed): a conveyance given its deed since `since` has moved since."""
    from django.db.models import F

    from najiz.common.figures import latencies

    from .states import AUTOMATIC

    transferred = Conveyance.objects.filter(
        status_changed_at__gte=since, new_deed__issued_at__gte=since, paid_at__isnull=False,
    )
    return {
        "payment_to_deed": latencies(transferred, F("new_deed__issued_at") - F("paid_at")),
        "stranded": Conveyance.objects.filter(status__in=AUTOMATIC, status_changed_at__lt=idle_before).count(),
        "quarantined": None,  # as enforcement's: None until failing conveyances are set aside
    }


def next_deadline(now) -> Deadline | None:
    """The nearest unanswered offer or consent to expire after `now` (services.expire_due)."""
    found = (
        Conveyance.objects.filter(status__in=WAITING, offer_expires_at__gte=now)
        .order_by("offer_expires_at").values_list("offer_expires_at", "number").first()
    )
    return Deadline(found[0], _("An unanswered conveyance expires"), found[1]) if found else None


def _consent_task_title(consent, user) -> str:
    """The filing seller approves their own sale; a co-owner or heir consents to it."""
    deed = consent.conveyance.deed.number
    if consent.conveyance.filed_by_id == user.pk:
        return _("Approve your sale of deed %(deed)s by Nafath") % {"deed": deed}
    return _("Consent to the sale of deed %(deed)s") % {"deed": deed}


def tasks_for(user, acting_entity=None) -> list[Task]:
    """"My tasks": the consents asked of the person as an owner or heir, and the offers to buy
    made to them (or to the entity they act for), each to answer before the offer expires."""
    tasks = []
    if acting_entity is None:
        consents = (
            Consent.objects.filter(Q(user=user) | Q(person__national_id=user.national_id), answer=Answer.PENDING,
                                   conveyance__status=Status.AWAITING_CONSENTS)
            .select_related("conveyance__deed").order_by("conveyance__offer_expires_at")[:20]
        )
        tasks += [
            Task(_consent_task_title(c, user), reverse("conveyance:consent", args=[c.conveyance.number]),
                 c.conveyance.number, c.conveyance.offer_expires_at)
            for c in consents
        ]
    answered = Buyer.objects.filter(user=user).exclude(answer=Answer.PENDING).values("conveyance_id")
    offers = (as_buyer(user, acting_entity).filter(status=Status.AWAITING_BUYER).exclude(pk__in=answered)
              .order_by("offer_expires_at")[:20])
    tasks += [
        Task(_("Answer the offer to buy deed %(deed)s") % {"deed": c.deed.number},
             reverse("conveyance:offer", args=[c.number]), c.number, c.offer_expires_at)
        for c in offers
    ]
    return tasks


def tax_payout(conveyance):
    """The payment of the conveyance's transaction tax to the tax authority (a disbursement), or None."""
    from payments.selectors import disbursements_for

    record = registries.tax_transaction(conveyance.tax_number) if conveyance.tax_number else None
    if record is None:
        return None
    return disbursements_for(record).filter(ref=f"{conveyance.number}/tax-payout").first()

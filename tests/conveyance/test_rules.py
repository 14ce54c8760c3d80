"""Each eligibility rule of docs/design.md §7 failing alone, through filing and the automatic check."""

from datetime import timedelta
from decimal import Decimal

import pytest

from conveyance import rules, services
from conveyance.eligibility import gather_inputs
from conveyance.states import Status
from najiz.accounts.services import user_for_person
from najiz.common import clock
from najiz.registries import services as registries
from tests.factories import registries as factories

from .helpers import failed_rules, file_sale, reload


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


def test_a_clean_sale_passes_every_rule_and_waits_for_the_buyer(sale, run):
    conveyance = reload(run(file_sale, sale))
    assert conveyance.status == Status.AWAITING_BUYER
    assert failed_rules(conveyance) == []
    assert registries.deed(sale.deed.number).status == "suspended"
    assert registries.deed(sale.deed.number).suspended_ref == conveyance.number
    assert conveyance.number.startswith("CV-")


def _rejected_for(conveyance):
    conveyance = reload(conveyance)
    assert conveyance.status == Status.REJECTED
    assert registries.deed(conveyance.deed.number).status == "active"  # never held by a rejected conveyance
    return failed_rules(conveyance)


def test_paper_deed(sale, run):
    sale.deed.is_electronic = False
    sale.deed.save()
    assert _rejected_for(run(file_sale, sale)) == ["deed_electronic"]


def test_deed_not_updated(sale, run):
    sale.deed.is_updated = False
    sale.deed.save()
    assert _rejected_for(run(file_sale, sale)) == ["deed_updated"]


def test_mortgaged_deed(sale, run):
    registries.place_mortgage(sale.deed, by="مصرف الراجحي", ref="MTG-1")
    assert _rejected_for(run(file_sale, sale)) == ["no_mortgage"]


def test_deed_seized_by_an_enforcement_request(sale, run):
    registries.place_seizure(sale.deed, by="محكمة التنفيذ", ref="EN-2025-000001")
    conveyance = run(file_sale, sale)
    assert _rejected_for(conveyance) == ["no_seizure"]
    from najiz.casefile.selectors import decisions_of

    rule = next(r for r in decisions_of(conveyance).get(step="eligibility").rules if r["id"] == "no_seizure")
    assert "EN-2025-000001" in rule["message_en"] and "حجز" in rule["message_ar"]


def test_price_over_the_limit(sale, run):
    assert _rejected_for(run(file_sale, sale, price="5000000.01")) == ["price_within_limit"]


def test_price_at_the_limit_passes(sale, run):
    assert reload(run(file_sale, sale, price="5000000.00")).status == Status.AWAITING_BUYER


def test_price_zero(sale, run):
    assert _rejected_for(run(file_sale, sale, price="0.00")) == ["price_positive"]


def test_an_entity_as_buyer(sale, run):
    entity = factories.EntityFactory()
    conveyance = run(file_sale, sale, buyer_id=entity.cr_number)
    assert _rejected_for(conveyance) == ["buyer_individual"]


def test_buyer_with_an_expired_iqama(sale, run):
    resident = factories.ResidentFactory(id_expiry=clock.today() - timedelta(days=1))
    factories.AccountFactory(person=resident)
    assert _rejected_for(run(file_sale, sale, buyer_id=resident.national_id)) == ["buyer_id_valid"]


def test_buyer_with_an_iqama_in_force_passes(sale, run):
    resident = factories.ResidentFactory()
    factories.AccountFactory(person=resident)
    assert reload(run(file_sale, sale, buyer_id=resident.national_id)).status == Status.AWAITING_BUYER


def test_deceased_buyer(sale, run):
    dead = factories.PersonFactory(deceased=True)
    factories.AccountFactory(person=dead)
    assert _rejected_for(run(file_sale, sale, buyer_id=dead.national_id)) == ["buyer_alive"]


def test_buyer_without_a_bank_account(sale, run):
    buyer = factories.PersonFactory()
    assert _rejected_for(run(file_sale, sale, buyer_id=buyer.national_id)) == ["buyer_has_account"]


def test_buyer_who_is_a_seller(sale, run):
    co_owner = factories.PersonFactory()
    factories.AccountFactory(person=co_owner)
    deed = factories.DeedFactory(owners=[sale.seller, co_owner])
    conveyance = run(file_sale, sale, deed=deed, buyer_id=co_owner.national_id)
    assert _rejected_for(conveyance) == ["buyer_not_seller"]


def test_filer_who_is_not_an_owner(sale, run):
    stranger = factories.PersonFactory()
    conveyance = run(file_sale, sale, user=user_for_person(stranger))
    assert _rejected_for(conveyance) == ["filer_entitled"]


def _agent_files(sale, run, **poa):
    agent = factories.PersonFactory()
    power = factories.PowerOfAttorneyFactory(principal=sale.seller, agent=agent, **poa)
    return run(file_sale, sale, user=user_for_person(agent), capacity="agent", poa_number=power.number)


def test_agent_with_a_valid_poa_passes_and_consents_for_the_principal(sale, run):
    conveyance = reload(_agent_files(sale, run))
    assert conveyance.status == Status.AWAITING_BUYER
    consent = conveyance.consents.get()
    assert consent.person == sale.seller and consent.through_agent and consent.answer == "accepted"


def test_poa_without_transfer_ownership(sale, run):
    assert _rejected_for(_agent_files(sale, run, scopes=["sell", "receive_payment"])) == ["poa_names_transfer"]


def test_revoked_poa(sale, run):
    assert _rejected_for(_agent_files(sale, run, revoked=True, revoked_at=clock.now())) == ["poa_in_force"]


def test_expired_poa(sale, run):
    today = clock.today()
    conveyance = _agent_files(sale, run, valid_from=today - timedelta(days=400), valid_to=today - timedelta(days=1))
    assert _rejected_for(conveyance) == ["poa_in_force"]


def test_heir_not_on_the_heirs_deed(heirs_case, run):
    outsider = factories.PersonFactory()
    conveyance = run(
        services.file, user=user_for_person(outsider), capacity="heir", deed_number=heirs_case.deed.number,
        heirs_deed_number=heirs_case.heirs_deed.number, buyer_id=heirs_case.buyer.national_id, price=Decimal("900000"),
    )
    assert _rejected_for(conveyance) == ["filer_entitled"]


def test_heirs_deed_of_someone_else(heirs_case, run):
    other = factories.HeirsDeedFactory(heirs=[(heirs_case.heirs[0], Decimal("1"))])
    conveyance = run(
        services.file, user=heirs_case.users[0], capacity="heir", deed_number=heirs_case.deed.number,
        heirs_deed_number=other.number, buyer_id=heirs_case.buyer.national_id, price=Decimal("900000"),
    )
    assert "heirs_deed_valid" in _rejected_for(conveyance)


def test_second_open_conveyance_on_the_same_deed_is_refused_at_filing(sale, run):
    run(file_sale, sale)
    other_buyer = factories.PersonFactory()
    factories.AccountFactory(person=other_buyer)
    with pytest.raises(services.ConveyanceError) as refused:
        run(file_sale, sale, buyer_id=other_buyer.national_id)
    assert refused.value.code == "open_conveyance"


def test_the_rule_itself_fails_on_another_open_conveyance(sale, run):
    conveyance = reload(run(file_sale, sale))
    inputs = gather_inputs(conveyance)
    assert rules.no_other_open_conveyance(inputs).passed is True
    inputs["other_open_conveyances"] = ["CV-2025-000999"]
    results = rules.run_eligibility(inputs)
    assert rules.failed_ids(results) == ["no_other_open_conveyance"]
    assert "CV-2025-000999" in results[-1].message_ar


def test_filing_while_acting_for_an_entity_is_refused(sale):
    with pytest.raises(services.ConveyanceError) as refused:
        file_sale(sale, acting_entity=factories.EntityFactory())
    assert refused.value.code == "entity"


def test_every_reason_is_in_arabic_and_english(sale, run):
    sale.deed.is_electronic = False
    sale.deed.save()
    conveyance = run(file_sale, sale, price="6000000")
    from najiz.casefile.selectors import decisions_of

    decision = decisions_of(conveyance).get(step="eligibility")
    assert decision.rules_version == rules.RULES_VERSION
    assert len(decision.rules) == len(rules.ELIGIBILITY_RULES)
    by_id = {r["id"]: r for r in decision.rules}
    assert "5,000,000.00" in by_id["price_within_limit"]["message_en"]
    assert by_id["deed_electronic"]["message_ar"] != by_id["deed_electronic"]["message_en"]

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction

from najiz.registries import services
from najiz.registries.models import Deed, Encumbrance, RegistryOperation
from tests.factories.registries import DeedFactory, EncumbranceFactory, PersonFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_place_and_lift_seizure_once_per_ref():
    deed = DeedFactory()
    seizure = services.place_seizure(deed, by="محكمة التنفيذ بالرياض", ref="EN-1")
    assert seizure.kind == Encumbrance.Kind.SEIZURE and seizure.active
    assert services.place_seizure(deed, by="محكمة التنفيذ بالرياض", ref="EN-1") == seizure
    assert Encumbrance.objects.filter(deed=deed).count() == 1
    assert services.active_encumbrances(deed) == [seizure]
    assert services.active_encumbrances(deed.number) == [seizure]

    lifted = services.lift_seizure(deed, "EN-1")
    assert lifted == seizure and not lifted.active and lifted.lifted_at
    assert services.lift_seizure(deed, "EN-1") == seizure
    assert services.active_encumbrances(deed) == []
    assert services.lift_seizure(deed, "EN-unknown") is None


def test_seizures_of_two_cases_are_independent():
    deed = DeedFactory()
    services.place_seizure(deed, by="A", ref="EN-1")
    services.place_seizure(deed, by="B", ref="EN-2")
    services.lift_seizure(deed, "EN-1")
    assert [e.ref for e in services.active_encumbrances(deed)] == ["EN-2"]


def test_place_mortgage():
    deed = DeedFactory()
    mortgage = services.place_mortgage(deed, by="مصرف الراجحي", ref="MTG-1")
    assert mortgage.kind == Encumbrance.Kind.MORTGAGE
    assert services.place_mortgage(deed, by="مصرف الراجحي", ref="MTG-1") == mortgage
    assert services.lift_mortgage(deed, "MTG-1").active is False


def test_no_encumbrance_on_a_closed_deed():
    deed = DeedFactory(status=Deed.Status.CLOSED)
    # in a caller's transaction the command makes no savepoint: a caller that goes on wraps it
    with pytest.raises(services.DeedError), transaction.atomic():
        services.place_seizure(deed, by="x", ref="EN-1")
    assert not RegistryOperation.objects.exists()


def test_unknown_deed_is_an_error():
    with pytest.raises(services.DeedError):
        services.place_seizure("999999999999", by="x", ref="EN-1")


def test_suspend_and_release():
    deed = DeedFactory()
    assert services.suspend_deed(deed, "CV-1").status == Deed.Status.SUSPENDED
    assert services.suspend_deed(deed, "CV-1").status == Deed.Status.SUSPENDED
    with pytest.raises(services.DeedError):
        services.suspend_deed(deed, "CV-2")
    assert services.release_deed(deed, "CV-2").status == Deed.Status.SUSPENDED  # not the holder: no effect
    released = services.release_deed(deed, "CV-1")
    assert released.status == Deed.Status.ACTIVE and released.suspended_ref == ""
    assert services.suspend_deed(deed, "CV-3").suspended_ref == "CV-3"


def test_suspend_closed_deed_is_refused():
    with pytest.raises(services.DeedError):
        services.suspend_deed(DeedFactory(status=Deed.Status.CLOSED), "CV-1")


def test_transfer_closes_old_deed_and_issues_a_new_one():
    seller, buyer_one, buyer_two = PersonFactory(), PersonFactory(), PersonFactory()
    old = DeedFactory(
        owners=[seller], is_electronic=True, district="حي الملقا", area=D("625.50"), value_of_record=D("1850000")
    )
    services.suspend_deed(old, "CV-1")

    new = services.transfer(old, [(buyer_one, D("0.75")), (buyer_two, D("0.25"))], "CV-1")

    old.refresh_from_db()
    assert old.status == Deed.Status.CLOSED and old.replaced_by == new and old.closed_at
    assert new.number != old.number and len(new.number) == 12 and new.status == Deed.Status.ACTIVE
    assert (new.district, new.area, new.value_of_record, new.city, new.property_type) == (
        old.district, old.area, old.value_of_record, old.city, old.property_type,
    )
    assert new.shares() == [(buyer_one, Fraction(3, 4)), (buyer_two, Fraction(1, 4))]
    assert [row.share_label for row in new.owner_rows.all()] == ["3/4", "1/4"]
    assert services.deeds_of(seller) == []
    assert services.deeds_of(buyer_one) == [new]

    # idempotent: the same ref returns the same new deed and changes nothing
    again = services.transfer(old, [(seller, D("1"))], "CV-1")
    assert again == new
    assert Deed.objects.count() == 2


def test_transfer_numbers_are_unique():
    first = services.transfer(DeedFactory(), [(PersonFactory(), D(1))], "CV-1")
    second = services.transfer(DeedFactory(), [(PersonFactory(), D(1))], "CV-2")
    assert first.number != second.number


def test_transfer_keeps_thirds_exact():
    owners = PersonFactory.create_batch(3)
    new = services.transfer(DeedFactory(), [(who, "1/3") for who in owners], "CV-1")
    assert new.shares_total == 1
    assert [share for _who, share in new.shares()] == [Fraction(1, 3)] * 3
    assert [(row.share_numerator, row.share_denominator) for row in new.owner_rows.all()] == [(1, 3)] * 3


def test_transfer_keeps_the_terms_as_written():
    owners = PersonFactory.create_batch(3)
    new = services.transfer(DeedFactory(), list(zip(owners, ["3/24", "7/24", "14/24"], strict=True)), "CV-1")
    assert [row.share_label for row in new.owner_rows.all()] == ["3/24", "7/24", "14/24"]
    assert new.share_of(owners[2]) == Fraction(7, 12)


@pytest.mark.parametrize(
    "shares",
    [[], [D("0.5")], [D("0.6"), D("0.6")], [D("1.5"), D("-0.5")], ["0/1", "1/1"], ["1/3", "1/3", "1/4"],
     ["1/0"], ["2/1", "-1/1"], ["x"], ["1/3\x00", "2/3"]],
)
def test_transfer_refuses_bad_shares(shares):
    deed = DeedFactory()
    owners = [(PersonFactory(), share) for share in shares]
    with pytest.raises(services.DeedError):
        services.transfer(deed, owners, "CV-1")
    deed.refresh_from_db()
    assert deed.status == Deed.Status.ACTIVE and not RegistryOperation.objects.exists()


def test_transfer_refuses_same_owner_twice_and_floats():
    buyer = PersonFactory()
    with pytest.raises(services.DeedError):
        services.transfer(DeedFactory(), [(buyer, D("0.5")), (buyer, D("0.5"))], "CV-1")
    with pytest.raises(TypeError):
        services.transfer(DeedFactory(), [(buyer, 1.0)], "CV-2")


def test_transfer_refuses_encumbered_closed_or_foreign_held_deeds():
    buyer = [(PersonFactory(), D(1))]
    mortgaged = EncumbranceFactory().deed
    with pytest.raises(services.DeedError):
        services.transfer(mortgaged, buyer, "CV-1")
    with pytest.raises(services.DeedError):
        services.transfer(DeedFactory(status=Deed.Status.CLOSED), buyer, "CV-2")
    held = DeedFactory()
    services.suspend_deed(held, "CV-other")
    with pytest.raises(services.DeedError):
        services.transfer(held, buyer, "CV-3")


def test_transfer_after_seizure_arrived_is_refused():
    deed = DeedFactory()
    services.suspend_deed(deed, "CV-1")
    services.place_seizure(deed, by="محكمة التنفيذ", ref="EN-7")
    with pytest.raises(services.DeedError):
        services.transfer(deed, [(PersonFactory(), D(1))], "CV-1")
    services.lift_seizure(deed, "EN-7")
    assert services.transfer(deed, [(PersonFactory(), D(1))], "CV-1").status == Deed.Status.ACTIVE


def test_seizures_placed_together_are_placed_once_each_and_none_when_a_deed_is_closed():
    first, second, closed = DeedFactory(), DeedFactory(), DeedFactory(status=Deed.Status.CLOSED)
    services.place_seizure(first, by="الدائرة الأولى", ref="EN-1")  # placed alone first
    seizures = [services.DeedSeizure(first.number, "الدائرة الأولى", "EN-1"),
                services.DeedSeizure(second.number, "الدائرة الثانية", "EN-2", "Second circuit"),
                services.DeedSeizure(second.number, "الدائرة الثانية", "EN-2", "Second circuit")]
    placed = services.place_seizures(seizures)
    assert services.place_seizures(seizures) == placed  # a replay returns the rows recorded
    assert placed[1] == placed[2] and (placed[1].deed_id, placed[1].by_whom_en) == (second.pk, "Second circuit")
    assert Encumbrance.objects.filter(kind=Encumbrance.Kind.SEIZURE).count() == 2
    with pytest.raises(services.DeedError), transaction.atomic():
        services.place_seizures([services.DeedSeizure(DeedFactory().number, "x", "EN-3"),
                                 services.DeedSeizure(closed.number, "x", "EN-3")])
    with pytest.raises(services.DeedError), transaction.atomic():
        services.place_seizures([services.DeedSeizure("999999999999", "x", "EN-3")])
    assert Encumbrance.objects.filter(kind=Encumbrance.Kind.SEIZURE).count() == 2


def test_deed_numbers_of_a_person_are_those_of_their_deeds_not_closed():
    owner = PersonFactory()
    second, first = DeedFactory(owners=[owner]), DeedFactory(owners=[owner])
    DeedFactory(owners=[owner], status=Deed.Status.CLOSED)
    DeedFactory()
    assert services.deed_numbers_of(owner) == sorted([first.number, second.number])
    assert services.deed_numbers_of(owner) == [d.number for d in services.deeds_of(owner)]
    assert services.deed_numbers_of("not an id") == []

"""The data migration to buyer rows: a conveyance's one buyer becomes its one `Buyer`, buying the
whole, with their answer, Nafath approval and request kept."""

from datetime import UTC, datetime
from decimal import Decimal

BEFORE = [("conveyance", "0004_nafath_approvals"), ("registries", "0009_deed_boundaries_office_and_transfer_basis")]
AFTER = [("conveyance", "0005_several_buyers")]



def test_each_conveyance_s_buyer_becomes_its_one_buyer_row(migrator):
    approved = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    old = migrator(BEFORE)
    try:
        Person, Deed = old.get_model("registries", "Person"), old.get_model("registries", "Deed")
        User, Conveyance = old.get_model("accounts", "User"), old.get_model("conveyance", "Conveyance")
        seller, buyer = (Person.objects.create(national_id=f"10000001{n}0", name_ar=f"ش{n}") for n in range(2))
        seller_user = User.objects.create(national_id=seller.national_id)
        buyer_user = User.objects.create(national_id=buyer.national_id)
        deed = Deed.objects.create(number="700000000091", area=Decimal("100"))
        common = {"filed_by": seller_user, "filer": seller, "deed": deed, "price": Decimal("500000.00")}
        Conveyance.objects.create(
            number="CV-2026-000091", status="awaiting_payment", buyer_id_number=buyer.national_id, buyer=buyer,
            buyer_user=buyer_user, buyer_iban="SA0380000000608010167519", buyer_answer="accepted",
            buyer_answered_at=approved, buyer_challenge_token="token-91", buyer_approved_at=approved, **common,
        )
        Conveyance.objects.create(number="CV-2026-000092", status="rejected", buyer_id_number="7000000001",
                                  **common)  # a buyer not in the civil registry: no row
    finally:
        new = migrator(AFTER)
    Buyer = new.get_model("conveyance", "Buyer")
    [row] = Buyer.objects.all()
    assert row.conveyance.number == "CV-2026-000091" and row.person.national_id == "1000000110"
    assert (row.share_numerator, row.share_denominator, row.answer) == (1, 1, "accepted")
    assert (row.challenge_token, row.approved_at, row.iban) == ("token-91", approved, "SA0380000000608010167519")
    assert row.user.national_id == "1000000110"

"""The data migration from six-decimal shares to exact fractions, on rows written the old way."""

from decimal import Decimal

BEFORE = [("registries", "0006_instrument_issuer_english"), ("conveyance", "0001_initial")]
AFTER = [("registries", "0007_exact_shares"), ("conveyance", "0002_exact_shares")]


def test_six_decimal_shares_become_the_fractions_they_were_rounded_from(migrator):
    old = migrator(BEFORE)
    try:
        Person, Deed = old.get_model("registries", "Person"), old.get_model("registries", "Deed")
        DeedOwner, HeirsDeed = old.get_model("registries", "DeedOwner"), old.get_model("registries", "HeirsDeed")
        HeirShare = old.get_model("registries", "HeirShare")
        people = [Person.objects.create(national_id=f"10000000{n:02d}", name_ar=f"ش{n}") for n in range(6)]
        thirds = Deed.objects.create(number="700000000001", area=Decimal("100"))
        for who, share in zip(people[:3], ["0.333333", "0.333333", "0.333334"], strict=True):
            DeedOwner.objects.create(deed=thirds, person=who, share=Decimal(share))
        shared = Deed.objects.create(number="700000000002", area=Decimal("100"))
        for who, share in zip(people[3:5], ["0.6", "0.4"], strict=True):
            DeedOwner.objects.create(deed=shared, person=who, share=Decimal(share))
        estate = HeirsDeed.objects.create(number="600000001", deceased=people[5])
        for who, share in zip(people[:3], ["0.125", "0.583333", "0.291667"], strict=True):
            HeirShare.objects.create(heirs_deed=estate, heir=who, share=Decimal(share))
    finally:
        new = migrator(AFTER)
    DeedOwner, HeirShare = new.get_model("registries", "DeedOwner"), new.get_model("registries", "HeirShare")

    def terms(rows):
        return [(row.share_numerator, row.share_denominator) for row in rows.order_by("id")]

    assert terms(DeedOwner.objects.filter(deed__number="700000000001")) == [(1, 3)] * 3
    assert terms(DeedOwner.objects.filter(deed__number="700000000002")) == [(3, 5), (2, 5)]
    assert terms(HeirShare.objects.all()) == [(3, 24), (14, 24), (7, 24)]

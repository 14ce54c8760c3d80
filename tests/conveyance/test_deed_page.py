"""The owner's page of a deed under "my deeds": everything the deed holds (number, owners with
their shares as fractions, area in figures and words, plan and plot, the four sides, the previous
deed and the basis of the transfer, the issue date in Hijri and Gregorian, the issuing office), its
PDF and its verification link; 404 to anyone else. And "my deeds" follows the acting-as rule of
every case: a person's own deeds are not the entity's they act for."""

import pytest
from django.urls import reverse

from conveyance import deeds
from najiz.accounts import sessions
from najiz.accounts.services import user_for_person
from najiz.common import dates

from .helpers import reload

pytestmark = pytest.mark.django_db


def act_for(client, person, factories):
    entity = factories.EntityFactory()
    factories.RepresentationFactory(entity=entity, person=person)
    session = client.session
    session[sessions.ACTING_AS] = entity.cr_number
    session.save()
    return entity


def test_the_owner_sees_what_the_deed_holds(client, sale, conveyed):
    new = conveyed.new_deed
    client.force_login(sale.buyer_user)
    client.cookies["najiz_language"] = "en"
    response = client.get(reverse("conveyance:deed", args=[new.number]))
    assert response.status_code == 200
    page = response.content.decode()
    assert new.number in page
    assert sale.buyer.display_name in page and sale.buyer.national_id in page and ">1/1<" in page
    assert "600.00 m²" in page and "six hundred square metres" in page
    assert new.plan_number in page and new.plot_number in page
    for side in ("North", "South", "East", "West"):
        assert side in page
    assert new.north_boundary in page and "25.00 m" in page and "24.00 m" in page
    assert reverse("verify:deed", args=[sale.deed.number]) in page  # the previous deed
    assert conveyed.number in page and f"SAR {conveyed.price:,.2f}" in page  # the basis of the transfer
    assert dates.format_hijri(new.issued_at, "en", fallback=False) in page
    assert dates.format_gregorian(new.issued_at, "en") in page
    assert new.issuing_office in page
    assert reverse("conveyance:deed_pdf", args=[new.number]) in page
    assert f"/verify/deed/{new.number}?code={deeds.verification_code(new.number)}" in page


def test_co_owners_shares_as_fractions_in_arabic(client, sale):
    other = sale.factories.PersonFactory()
    deed = sale.factories.DeedFactory(owners=[(sale.seller, "2/3"), (other, "1/3")])
    client.force_login(sale.seller_user)
    page = client.get(reverse("conveyance:deed", args=[deed.number])).content.decode()
    assert ">2/3<" in page and ">1/3<" in page and other.display_name in page
    assert "600.00 م²" in page and "ستمائة" in page
    assert "هـ" in page  # the Hijri issue date beside the Gregorian
    listing = client.get(reverse("conveyance:deeds")).content.decode()
    assert reverse("conveyance:deed", args=[deed.number]) in listing


def test_a_stranger_or_a_former_owner_of_nothing_gets_404(client, sale):
    client.force_login(sale.buyer_user)
    assert client.get(reverse("conveyance:deed", args=[sale.deed.number])).status_code == 404
    assert client.get(reverse("conveyance:deed", args=["999999999999"])).status_code == 404
    client.logout()
    response = client.get(reverse("conveyance:deed", args=[sale.deed.number]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_old_deed_stays_readable_to_its_former_owner(client, sale, conveyed):
    client.force_login(sale.seller_user)
    response = client.get(reverse("conveyance:deed", args=[sale.deed.number]))
    assert response.status_code == 200 and reload(conveyed).new_deed.number not in response.content.decode()


def test_acting_for_an_entity_hides_the_persons_own_deeds(client, sale):
    client.force_login(sale.seller_user)
    assert sale.deed.number in client.get(reverse("conveyance:deeds")).content.decode()
    act_for(client, sale.seller, sale.factories)
    page = client.get(reverse("conveyance:deeds")).content.decode()
    assert sale.deed.number not in page and 'data-testid="acting-no-deeds"' in page
    assert client.get(reverse("conveyance:deed", args=[sale.deed.number])).status_code == 404
    assert client.get(reverse("conveyance:deed_pdf", args=[sale.deed.number])).status_code == 404
    session = client.session
    del session[sessions.ACTING_AS]
    session.save()
    assert sale.deed.number in client.get(reverse("conveyance:deeds")).content.decode()
    assert client.get(reverse("conveyance:deed", args=[sale.deed.number])).status_code == 200


def test_a_co_representative_sees_none_of_a_colleagues_deeds(client, sale):
    entity = sale.factories.EntityFactory()
    sale.factories.RepresentationFactory(entity=entity, person=sale.seller)
    colleague = sale.factories.PersonFactory()
    sale.factories.RepresentationFactory(entity=entity, person=colleague)
    client.force_login(user_for_person(colleague))
    session = client.session
    session[sessions.ACTING_AS] = entity.cr_number
    session.save()
    assert client.get(reverse("conveyance:deed", args=[sale.deed.number])).status_code == 404
    assert sale.deed.number not in client.get(reverse("conveyance:deeds")).content.decode()


def test_acting_for_an_entity_the_filing_form_offers_none_of_the_persons_deeds(client, sale):
    client.force_login(sale.seller_user)
    assert 'data-picker="deeds"' in client.get(reverse("conveyance:new")).content.decode()
    act_for(client, sale.seller, sale.factories)
    page = client.get(reverse("conveyance:new")).content.decode()
    assert 'data-picker="deeds"' not in page and sale.deed.number not in page

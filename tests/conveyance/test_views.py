"""Conveyance screens: scoping (others get 404), live validation, answers, deed PDF, verification."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conveyance import deeds, services
from conveyance.models import Conveyance
from conveyance.states import Status
from najiz.accounts import services as accounts
from najiz.accounts.services import user_for_person
from najiz.registries import services as registries
from tests.factories import registries as factories

from .helpers import accept_offer, approve, file_sale, pay, reload


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


def test_my_deeds_lists_shares_encumbrances_and_pdf(client, sale):
    mortgaged = factories.DeedFactory(
        owners=[(sale.seller, Decimal("0.5")), (factories.PersonFactory(), Decimal("0.5"))]
    )
    registries.place_mortgage(mortgaged, by="مصرف الإنماء", ref="MTG-9")
    client.force_login(sale.seller_user)
    page = client.get(reverse("conveyance:deeds")).content.decode()
    assert sale.deed.number in page and mortgaged.number in page
    assert "مصرف الإنماء" in page and "رهن" in page
    response = client.get(reverse("conveyance:deed_pdf", args=[sale.deed.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_deed_pdf_of_someone_else_is_404(client, sale):
    client.force_login(sale.buyer_user)
    assert client.get(reverse("conveyance:deed_pdf", args=[sale.deed.number])).status_code == 404


def test_live_validation_shows_the_buyer_name_and_errors(client, sale):
    client.force_login(sale.seller_user)
    url = reverse("conveyance:validate", args=["buyer_id"])
    ok = client.post(url, {"capacity": "owner", "buyer_id": sale.buyer.national_id}).content.decode()
    assert sale.buyer.name_ar in ok
    bad = client.post(url, {"capacity": "owner", "buyer_id": "1234"}).content.decode()
    assert "field-errors" in bad
    entity = factories.EntityFactory()
    refused = client.post(url, {"capacity": "owner", "buyer_id": entity.cr_number}).content.decode()
    assert "للأفراد فقط" in refused
    price = client.post(reverse("conveyance:validate", args=["price"]), {"price": "5000000.01"}).content.decode()
    assert "5,000,000.00" in price
    for typed in ("1e5", "8.5E5", "850,00"):  # no exponent, no misplaced separator
        assert (
            "field-errors"
            in client.post(reverse("conveyance:validate", args=["price"]), {"price": typed}).content.decode()
        )
    assert (
        "field-errors"
        not in client.post(reverse("conveyance:validate", args=["price"]), {"price": "850,000"}).content.decode()
    )
    deed = client.post(
        reverse("conveyance:validate", args=["deed_number"]), {"capacity": "owner", "deed_number": sale.deed.number}
    )
    assert "حي النرجس" in deed.content.decode()
    assert client.post(reverse("conveyance:validate", args=["nope"]), {}).status_code == 404


def test_live_validation_hides_deeds_of_others(client, sale):
    stranger = user_for_person(factories.PersonFactory())
    client.force_login(stranger)
    page = client.post(
        reverse("conveyance:validate", args=["deed_number"]), {"capacity": "owner", "deed_number": sale.deed.number}
    )
    assert "حي النرجس" not in page.content.decode()


def test_filing_through_the_form(client, sale, django_capture_on_commit_callbacks):
    client.force_login(sale.seller_user)
    assert client.get(reverse("conveyance:new") + f"?deed={sale.deed.number}").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("conveyance:new"), {
            "capacity": "owner", "deed_number": sale.deed.number, "buyer_id": sale.buyer.national_id,
            "price": "750000", "payment_method": "mada",
        })
    conveyance = Conveyance.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "conveyance:detail", args=[conveyance.number]
    )
    assert conveyance.status == Status.AWAITING_CONSENTS  # filed, but not yet approved by the seller
    page = client.get(reverse("conveyance:consent", args=[conveyance.number])).content.decode()
    assert 'data-testid="filer-approval"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("conveyance:consent", args=[conveyance.number]), {"answer": "accept"})
    challenge = services.approval_request(Conveyance.objects.get(), user=sale.seller_user)
    assert challenge.act.startswith("Approve the sale of deed") or "الموافقة على بيع" in challenge.act
    assert Conveyance.objects.get().status == Status.AWAITING_CONSENTS  # the button alone is not enough
    accounts.answer_challenge(challenge.pk, challenge.number)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("conveyance:consent", args=[conveyance.number]), {"answer": "accept"})
    assert Conveyance.objects.get().status == Status.AWAITING_BUYER
    again = client.post(reverse("conveyance:new"), {
        "capacity": "owner", "deed_number": sale.deed.number, "buyer_id": sale.buyer.national_id,
        "price": "750000", "payment_method": "mada",
    })
    assert again.status_code == 400 and "يوجد طلب إفراغ آخر قائم" in again.content.decode()


@pytest.mark.parametrize("junk", [{"price": "abc"}, {"price": "1e999"}, {"buyer_id": "\x00"}, {"capacity": "x"}, {}])
def test_bad_input_never_500(client, sale, junk):
    client.force_login(sale.seller_user)
    data = {
        "capacity": "owner",
        "deed_number": sale.deed.number,
        "buyer_id": sale.buyer.national_id,
        "price": "1",
        **junk,
    }
    assert client.post(reverse("conveyance:new"), data).status_code == 400


def test_only_parties_see_a_conveyance(client, sale, run):
    conveyance = run(file_sale, sale)
    stranger = user_for_person(factories.PersonFactory())
    client.force_login(stranger)
    for name in ("detail", "timeline", "consent", "offer"):
        assert client.get(reverse(f"conveyance:{name}", args=[conveyance.number])).status_code == 404
    assert client.post(reverse("conveyance:cancel", args=[conveyance.number])).status_code == 404
    assert client.get(reverse("conveyance:detail", args=["CV-0000-000000"])).status_code == 404
    client.force_login(sale.seller_user)
    assert client.get(reverse("conveyance:offer", args=[conveyance.number])).status_code == 404  # the buyer's screen
    assert client.get(reverse("conveyance:detail", args=[conveyance.number])).status_code == 200


def test_buyer_accepts_on_the_offer_screen_and_gets_the_pay_link(client, sale, run):
    conveyance = run(file_sale, sale, price="640000")
    client.force_login(sale.buyer_user)
    page = client.get(reverse("conveyance:offer", args=[conveyance.number])).content.decode()
    assert "640,000.00" in page and sale.seller.name_ar in page and sale.deed.number in page
    assert "32,000.00" in page  # the tax, before anyone pays
    approve(conveyance, sale.buyer_user)
    response = run(client.post, reverse("conveyance:offer", args=[conveyance.number]), {"answer": "accept"})
    assert response.status_code == 302
    conveyance = reload(conveyance)
    detail = client.get(reverse("conveyance:detail", args=[conveyance.number])).content.decode()
    assert reverse("payments:invoice_detail", args=[conveyance.invoice.bill_number]) in detail


def test_consent_screen(client, heirs_case, run):
    c = heirs_case
    conveyance = run(
        services.file,
        user=c.users[0],
        capacity="heir",
        deed_number=c.deed.number,
        heirs_deed_number=c.heirs_deed.number,
        buyer_id=c.buyer.national_id,
        price=Decimal("900000"),
    )
    client.force_login(c.users[1])
    page = client.get(reverse("conveyance:consent", args=[conveyance.number])).content.decode()
    assert "900,000.00" in page
    run(client.post, reverse("conveyance:consent", args=[conveyance.number]), {"answer": "refuse"})
    conveyance = reload(conveyance)
    assert conveyance.status == Status.REJECTED
    detail = client.get(reverse("conveyance:detail", args=[conveyance.number])).content.decode()
    assert c.heirs[1].national_id in detail  # the reason, naming who refused
    client.force_login(c.buyer_user)  # the buyer was never offered it
    assert client.get(reverse("conveyance:detail", args=[conveyance.number])).status_code == 200


def test_lists_as_seller_and_buyer(client, sale, run):
    conveyance = run(file_sale, sale)
    client.force_login(sale.seller_user)
    assert conveyance.number in client.get(reverse("conveyance:list")).content.decode()
    assert conveyance.number not in client.get(reverse("conveyance:list") + "?as=buyer").content.decode()
    client.force_login(sale.buyer_user)
    assert conveyance.number in client.get(reverse("conveyance:list") + "?as=buyer").content.decode()


def test_verification_page_shows_the_old_deed_as_no_longer_current(client, sale, run):
    conveyance = run(file_sale, sale)
    run(accept_offer, reload(conveyance), user=sale.buyer_user)
    run(pay, conveyance)
    conveyance = reload(conveyance)
    new_number = conveyance.new_deed.number
    old = client.get(reverse("verify:deed", args=[sale.deed.number])).content.decode()
    assert "لم يعد ساريًا" in old
    new = client.get(
        reverse("verify:deed", args=[new_number]) + f"?code={deeds.verification_code(new_number)}"
    ).content.decode()
    assert "صحيح وساري" in new and "رمز التحقق مطابق" in new
    assert sale.buyer.name_ar not in new and sale.buyer.national_id not in new  # nothing private
    assert sale.seller.name_ar not in old
    wrong = client.get(reverse("verify:deed", args=[new_number]) + "?code=XXXXX-XXXXX").content.decode()
    assert "غير مطابق" in wrong
    assert "صحيح وساري" not in wrong and "alert-success" not in wrong  # the mismatch alone, in red
    assert client.get(reverse("verify:deed", args=["999"])).status_code == 404
    assert client.get("/verify/deed/abc%ff").status_code == 404
    assert client.get("/verify/deed/abc%00").status_code == 400  # NUL: refused before any page
    # the buyer downloads the new deed; the QR and code are in it
    client.force_login(sale.buyer_user)
    detail = client.get(reverse("conveyance:detail", args=[conveyance.number])).content.decode()
    assert reverse("conveyance:deed_pdf", args=[new_number]) in detail
    response = client.get(reverse("conveyance:deed_pdf", args=[new_number]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_deed_pdf_carries_code_and_qr(sale):
    from django.template.loader import render_to_string

    html = render_to_string(
        "conveyance/pdf/deed.html",
        {
            "deed": sale.deed,
            "owners": sale.deed.owner_rows.all(),
            "code": deeds.verification_code(sale.deed.number),
            "verify_url": deeds.verification_url(sale.deed.number),
        },
    )
    assert deeds.verification_code(sale.deed.number) in html
    assert '<img class="pdf-qr__code" alt="" src="data:image/png;base64,' in html  # the QR code, as a PNG
    assert f"/verify/deed/{sale.deed.number}" in deeds.verification_url(sale.deed.number)

"""The public verification page judges an uploaded PDF from its signature and the registry's
record: valid and current, valid but superseded, or altered / not issued here. Bad input gets a
clear answer, never a 500, and nothing uploaded is kept."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PdfFileWriter

from najiz.common import pdf, signing
from najiz.registries import services as registries

from .test_signatures import one_byte_changed

pytestmark = pytest.mark.django_db
URL = "/verify/"


def upload(client, data, name="document.pdf"):
    return client.post(URL, {"document": SimpleUploadedFile(name, data, content_type="application/pdf")})


def outcome(response):
    page = response.content.decode()
    for value in ("current", "superseded", "not_ours", "error"):
        if f'data-outcome="{value}"' in page:
            return value
    return None


@pytest.fixture
def deed_pdf(client, sale):
    client.force_login(sale.seller_user)
    data = client.get(reverse("conveyance:deed_pdf", args=[sale.deed.number])).content
    client.logout()
    return data


def test_the_page_is_public(client):
    response = client.get(URL)
    assert response.status_code == 200 and 'type="file"' in response.content.decode()


def test_a_valid_current_deed(client, sale, deed_pdf):
    response = upload(client, deed_pdf)
    assert response.status_code == 200 and outcome(response) == "current"
    page = response.content.decode()
    assert sale.deed.number in page and f'href="/verify/deed/{sale.deed.number}?code=' in page


def test_a_tampered_deed(client, deed_pdf):
    response = upload(client, one_byte_changed(deed_pdf))
    assert response.status_code == 200 and outcome(response) == "not_ours"
    assert "Najiz" in response.content.decode() or "ناجز" in response.content.decode()


def test_the_old_deed_after_a_conveyance_is_superseded(client, sale, deed_pdf):
    buyer = sale.buyer
    registries.transfer(sale.deed, [(buyer, Decimal("1"))], ref="CV-2026-000777")
    response = upload(client, deed_pdf)
    assert response.status_code == 200 and outcome(response) == "superseded"


def test_a_deed_whose_record_changed_is_superseded(client, sale, deed_pdf):
    registries.place_mortgage(sale.deed, by="مصرف الإنماء", ref="MTG-1")
    assert outcome(upload(client, deed_pdf)) == "superseded"


def test_not_a_pdf(client):
    response = upload(client, b"hello, this is a text file\n", name="notes.txt")
    assert response.status_code == 400 and outcome(response) == "error"


def test_a_damaged_pdf(client, deed_pdf):
    response = upload(client, deed_pdf[:2000])
    assert response.status_code in (200, 400) and outcome(response) in ("error", "not_ours")


def test_no_file(client):
    assert client.post(URL, {}).status_code == 400


def test_a_50_mb_file_is_refused_unread(client):
    response = upload(client, b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024))
    assert response.status_code == 413 and outcome(response) == "error"


def test_a_file_over_the_limit_under_a_small_envelope_is_refused(client, settings):
    settings.VERIFY_UPLOAD_MAX_BYTES = 10_000
    response = upload(client, b"%PDF-1.7\n" + b"0" * 20_000)
    assert response.status_code == 413


def _plain_pdf() -> bytes:
    return pdf.render_pdf_html("<html><body><p>Not a Najiz document</p></body></html>", sign=False)


def test_a_pdf_with_javascript(client, deed_pdf):
    writer = IncrementalPdfFileWriter(io.BytesIO(deed_pdf))
    writer.root["/OpenAction"] = generic.DictionaryObject({
        generic.NameObject("/S"): generic.NameObject("/JavaScript"),
        generic.NameObject("/JS"): generic.TextStringObject("app.alert('hello')"),
    })
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    response = upload(client, out.getvalue())
    assert response.status_code == 400 and outcome(response) == "error"
    assert "JavaScript" in response.content.decode()


def test_an_encrypted_pdf(client):
    writer = PdfFileWriter()
    writer.encrypt("owner-secret", "user-secret")
    out = io.BytesIO()
    writer.write(out)
    response = upload(client, out.getvalue())
    assert response.status_code == 400 and outcome(response) == "error"


def test_an_unsigned_pdf(client):
    response = upload(client, _plain_pdf())
    assert response.status_code == 200 and outcome(response) == "not_ours"


def test_a_pdf_signed_by_another_key(client, tmp_path):
    ca_cert, key, cert = signing.make_key_pair(ca_name="Another CA", signer_name="Someone else")
    path = tmp_path / "other.p12"
    signing.write_pkcs12(path, "pw", key, cert, [ca_cert])
    other = signing.load_credentials(path, "pw")
    writer = IncrementalPdfFileWriter(io.BytesIO(_plain_pdf()))
    signed = other.pdf_signer.sign_pdf(writer, bytes_reserved=signing.BYTES_RESERVED).getvalue()
    response = upload(client, signed)
    assert response.status_code == 200 and outcome(response) == "not_ours"
    assert signing.check(signed).problem == signing.Problem.FOREIGN


def test_uploads_never_touch_the_disk(client, deed_pdf, settings, monkeypatch):
    """Even past Django's in-memory threshold the file stays in memory: no temporary file."""
    from django.core.files import uploadedfile

    made = []
    real = uploadedfile.tempfile.NamedTemporaryFile
    monkeypatch.setattr(uploadedfile.tempfile, "NamedTemporaryFile", lambda *a, **k: made.append(1) or real(*a, **k))
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1
    assert outcome(upload(client, deed_pdf)) == "current"
    assert made == []


def test_english(client, deed_pdf, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = upload(client, deed_pdf)
    assert outcome(response) == "current" and "Valid and current" in response.content.decode(), outcome(response)

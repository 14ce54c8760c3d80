"""Settings pages (tokens, webhooks) and the aggregate report (page, CSV that streams, PDF)."""

import csv
import io
import re
import tracemalloc
from datetime import timedelta
from decimal import Decimal

import pytest

from enforcement.models import EnforcementRequest, RequestDebtor
from enforcement.states import Status
from linkage import services
from linkage.models import ApiToken, WebhookEndpoint
from najiz.accounts.sessions import ACTING_AS
from najiz.common import clock

from .conftest import Api


def act_as(client, e):
    client.force_login(e.user)
    session = client.session
    session[ACTING_AS] = e.entity.cr_number
    session.save()
    return client


def seed(e, n, *, start=0, status=Status.ORDER_ISSUED, amount=Decimal("1000.00"), collected=Decimal("0.00"), when=None):
    when = when or clock.now()
    rows = [
        EnforcementRequest(
            number=f"EN-2025-{start + i:06d}", status=status, filed_by=e.user, creditor_entity=e.entity,
            instrument_number=e.instrument.number, amount_claimed=amount, collected=collected, created_at=when,
            submitted_at=when - timedelta(days=31 * (i % 3)), status_changed_at=when,
        )
        for i in range(n)
    ]
    return EnforcementRequest.objects.bulk_create(rows, batch_size=5000)


# --- pages need an entity -------------------------------------------------------------------


ENTITY_PAGES = {"tokens": "tokens/", "webhooks": "webhooks/", "report": "report/", "report_csv": "report/csv/",
                "report_pdf": "report/pdf/"}


@pytest.mark.parametrize("name", list(ENTITY_PAGES))
def test_pages_need_acting_as_an_entity(ent, client, name):
    client.force_login(ent.user)
    assert client.get(f"/linkage/{ENTITY_PAGES[name]}").status_code == 403
    client.logout()
    assert client.get("/linkage/report/").status_code == 302


# --- tokens ---------------------------------------------------------------------------------


def test_create_token_shows_it_once_and_stores_a_digest(ent, client):
    act_as(client, ent)
    response = client.post("/linkage/tokens/", {"name": "SAP"})
    assert response.status_code == 200
    secret = re.search(r"<code data-new-token>([^<]+)</code>", response.content.decode()).group(1)
    token = ApiToken.objects.get(name="SAP")
    assert token.entity == ent.entity and token.created_by == ent.user and token.digest == services.digest(secret)
    assert secret not in client.get("/linkage/tokens/").content.decode()
    assert Api(client.__class__(), secret).get("/requests").status_code == 200


def test_revoke_token_from_the_page(ent, other, client):
    act_as(client, ent)
    assert client.post(f"/linkage/tokens/{other.token.pk}/revoke/").status_code == 404  # not this entity's
    assert client.post(f"/linkage/tokens/{ent.token.pk}/revoke/").status_code == 302
    ent.token.refresh_from_db()
    assert ent.token.revoked_at is not None
    assert Api(client.__class__(), ent.secret).get("/requests").status_code == 401


def test_empty_token_name_is_a_400(ent, client):
    act_as(client, ent)
    assert client.post("/linkage/tokens/", {"name": ""}).status_code == 400


# --- webhooks -------------------------------------------------------------------------------


def test_register_and_disable_a_webhook(ent, client, local_receivers):
    act_as(client, ent)
    response = client.post("/linkage/webhooks/", {"url": "http://127.0.0.1:9/hook"})
    assert response.status_code == 200 and "data-webhook-secret" in response.content.decode()
    endpoint = WebhookEndpoint.objects.get(entity=ent.entity)
    assert client.post("/linkage/webhooks/", {"url": "ftp://example.com/x"}).status_code == 400
    assert client.post(f"/linkage/webhooks/{endpoint.pk}/disable/").status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.active


def test_production_refuses_internal_webhook_addresses(settings):
    settings.PRODUCTION = True
    for url in ("http://example.com/x", "https://127.0.0.1/x", "https://10.0.0.5/x", "https://localhost/x"):
        with pytest.raises(services.UnsafeWebhookURL):
            services.check_webhook_url(url)
    assert services.check_webhook_url("https://erp.example.com/najiz") == "https://erp.example.com/najiz"


# --- report ---------------------------------------------------------------------------------


def test_report_totals_filters_and_month_chart(ent, other, client):
    seed(ent, 3, start=1, amount=Decimal("1000.00"), collected=Decimal("250.00"))
    seed(ent, 2, start=10, status=Status.CLOSED, amount=Decimal("500.00"), collected=Decimal("500.00"))
    seed(other, 4, start=20, amount=Decimal("7777.00"))
    first = EnforcementRequest.objects.get(number="EN-2025-000001")
    RequestDebtor.objects.create(request=first, id_number=ent.debtor.national_id, person=ent.debtor)
    act_as(client, ent)
    response = client.get("/linkage/report/")
    assert response.status_code == 200
    totals = response.context["totals"]
    assert totals["count"] == 5
    assert totals["claimed"] == Decimal("4000.00") and totals["collected"] == Decimal("1750.00")
    assert totals["outstanding"] == Decimal("2250.00")
    assert sum(row["count"] for row in response.context["months"]) == 5
    assert "<svg" in response.content.decode() and "7777" not in response.content.decode()

    filtered = client.get("/linkage/report/", {"status": "executed"})
    assert filtered.context["totals"]["count"] == 2
    by_debtor = client.get("/linkage/report/", {"debtor": ent.debtor.national_id})
    assert by_debtor.context["totals"]["count"] == 1
    by_amount = client.get("/linkage/report/", {"amount_min": "600", "amount_max": "1,000"})
    assert by_amount.context["totals"]["count"] == 3
    today = clock.today().isoformat()
    assert client.get("/linkage/report/", {"date_from": today, "date_to": today}).context["totals"]["count"] == 2
    bad = client.get("/linkage/report/", {"date_from": "2025-02-01", "date_to": "2025-01-01", "amount_min": "x"})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_report_csv_has_every_row_with_amounts_as_decimals(ent, client):
    seed(ent, 3, start=1, amount=Decimal("1000.50"))
    act_as(client, ent)
    response = client.get("/linkage/report/csv/")
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3 and rows[0]["amount_claimed"] == "1000.50" and rows[0]["outstanding"] == "1000.50"


def test_report_pdf(ent, client):
    seed(ent, 2, start=1)
    act_as(client, ent)
    response = client.get("/linkage/report/pdf/", {"status": "under_enforcement"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def _export_peak(client) -> tuple[int, int, int]:
    """Stream the whole CSV export: (lines, bytes, peak Python memory while streaming)."""
    tracemalloc.start()
    try:
        response = client.get("/linkage/report/csv/")
        lines = size = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
            size += len(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lines, size, peak


def test_the_csv_export_streams_with_flat_memory_as_the_rows_grow(ent, client):
    """The export's peak Python memory does not grow with the rows: 5,000 rows, then 25,000, and
    the peak stays about the same (holding the rows would take ~1 KB more per row)."""
    act_as(client, ent)
    _export_peak(client)  # the first export in a process also pays for imports and caches
    seed(ent, 5_000, start=1)
    lines, _size, small_peak = _export_peak(client)
    assert lines == 5_000 + 1
    seed(ent, 20_000, start=5_001)
    lines, size, peak = _export_peak(client)
    assert lines == 25_000 + 1
    assert size > 2_000_000  # ~90 bytes a row: the whole file never sits in memory at once
    assert peak < small_peak * 1.5 + 512 * 1024, f"peak {small_peak / 1e6:.1f} MB -> {peak / 1e6:.1f} MB"


def test_navigation_offers_business_linkage_only_while_acting_for_an_entity(ent, client):
    act_as(client, ent)
    assert 'href="/linkage/report/"' in client.get("/").content.decode()
    client.post("/accounts/act-as/", {"entity": ""})
    assert 'href="/linkage/report/"' not in client.get("/").content.decode()

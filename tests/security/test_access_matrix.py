"""Who may open which page: every URL of the site, GET, as each persona (tests/security/conftest.py).

The routes come from the URL resolver, so a URL added without a row in EXPECTED fails this test
until someone decides who may see it. Codes: 200 shown; 302 sent to a sign-in page (or elsewhere,
e.g. an already-signed-in person away from the login page); 403 refused with a reason; 404 (case
not the person's, or not found: never telling whether it exists); 405 the URL takes POST only (its
POST is checked in test_csrf.py). Every response also carries the security headers and no inline
script (the Content-Security-Policy forbids it).
"""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from .conftest import PERSONAS
from .urls import admin_model_routes, site_routes

pytestmark = pytest.mark.django_db


# route: (anonymous, creditor, debtor, other, entity_rep, judge, other_judge)
EXPECTED = {
    # -- public and accounts --
    "": (200, 200, 200, 200, 200, 200, 200),
    "healthz": (200, 200, 200, 200, 200, 200, 200),
    "help/<slug:service>/": (200, 200, 200, 200, 200, 200, 200),
    "accessibility/": (200, 200, 200, 200, 200, 200, 200),
    "metrics": (404, 404, 404, 404, 404, 404, 404),  # only the operators' scraper (tests/operations)
    "i18n/setlang/": (302, 302, 302, 302, 302, 302, 302),  # GET just goes back; the switch is a POST
    "jsi18n/": (200, 200, 200, 200, 200, 200, 200),
    "accounts/login/": (200, 302, 302, 302, 302, 302, 302),
    "accounts/login/wait/": (302, 302, 302, 302, 302, 302, 302),
    "accounts/login/status/": (302, 302, 302, 302, 302, 302, 302),
    "accounts/staff-login/": (200, 200, 200, 200, 200, 200, 200),
    "accounts/logout/": (405, 405, 405, 405, 405, 405, 405),
    "accounts/act-as/": (302, 405, 405, 405, 405, 405, 405),
    "accounts/session/": (302, 302, 302, 302, 302, 302, 302),  # an htmx fragment: a plain GET goes elsewhere
    "accounts/session/extend/": (405, 405, 405, 405, 405, 405, 405),
    # -- enforcement --
    "enforcement/": (302, 200, 200, 200, 200, 200, 200),
    "enforcement/dashboard/": (302, 200, 200, 200, 200, 200, 200),
    "enforcement/dashboard/report.pdf": (302, 200, 200, 200, 200, 200, 200),
    "enforcement/against-me/": (302, 200, 200, 200, 200, 200, 200),
    "enforcement/new/": (302, 200, 200, 200, 200, 200, 200),
    "enforcement/new/validate/<slug:field>/": (302, 405, 405, 405, 405, 405, 405),
    "enforcement/new/check/": (302, 405, 405, 405, 405, 405, 405),
    "enforcement/new/instruments/": (302, 200, 200, 200, 200, 200, 200),
    "enforcement/new/pick/": (302, 405, 405, 405, 405, 405, 405),
    "enforcement/drafts/<int:pk>/": (302, 200, 404, 404, 404, 404, 404),
    "enforcement/requests/<case:number>/": (302, 200, 200, 404, 404, 404, 404),
    "enforcement/requests/<case:number>/timeline/": (302, 200, 200, 404, 404, 404, 404),
    "enforcement/requests/<case:number>/order.pdf": (302, 200, 200, 404, 404, 404, 404),
    "enforcement/requests/<case:number>/report.pdf": (302, 200, 200, 404, 404, 404, 404),
    "enforcement/requests/<case:number>/invoices/<bill:bill_number>.pdf": (302, 200, 200, 404, 404, 404, 404),
    "enforcement/requests/<case:number>/receipts/<int:pk>.pdf": (302, 200, 200, 404, 404, 404, 404),
    "enforcement/requests/<case:number>/<slug:action>/": (302, 405, 405, 405, 405, 405, 405),
    "enforcement/requests/<case:number>/motions/<slug:name>/": (302, 404, 404, 404, 404, 404, 404),  # POST only
    "enforcement/requests/<case:number>/disclosure/": (302, 404, 404, 404, 404, 404, 404),  # POST only
    # -- conveyance --
    "conveyance/": (302, 200, 200, 200, 200, 200, 200),
    "conveyance/deeds/": (302, 200, 200, 200, 200, 200, 200),
    "conveyance/deeds/<deed:number>/": (302, 200, 404, 404, 404, 404, 404),
    "conveyance/deeds/<deed:number>.pdf": (302, 200, 404, 404, 404, 404, 404),
    "conveyance/new/": (302, 200, 200, 200, 200, 200, 200),
    "conveyance/new/validate/<slug:field>/": (302, 405, 405, 405, 405, 405, 405),
    "conveyance/new/check/": (302, 405, 405, 405, 405, 405, 405),
    "conveyance/<case:number>/": (302, 200, 200, 404, 404, 404, 404),
    "conveyance/<case:number>/timeline/": (302, 200, 200, 404, 404, 404, 404),
    "conveyance/<case:number>/consent/": (302, 302, 302, 404, 404, 404, 404),
    "conveyance/<case:number>/offer/": (302, 404, 200, 404, 404, 404, 404),
    "conveyance/<case:number>/cancel/": (302, 405, 405, 405, 405, 405, 405),
    "verify/": (200, 200, 200, 200, 200, 200, 200),  # verify by upload: the form (its POST in tests/documents)
    "verify/order/<case:number>": (200, 200, 200, 200, 200, 200, 200),
    "verify/request/<case:number>": (200, 200, 200, 200, 200, 200, 200),
    "verify/invoice/<bill:bill_number>": (200, 200, 200, 200, 200, 200, 200),
    "verify/receipt/<case:number>": (200, 200, 200, 200, 200, 200, 200),
    "verify/deed/<deed:number>": (200, 200, 200, 200, 200, 200, 200),
    "verify/deed/<deed:number>/": (200, 200, 200, 200, 200, 200, 200),
    # -- electronic promissory notes --
    "verify/instrument/<case:number>": (200, 200, 200, 200, 200, 200, 200),
    "verify/instrument/<case:number>/": (200, 200, 200, 200, 200, 200, 200),
    "instruments/": (302, 200, 200, 200, 200, 200, 200),
    "instruments/new/": (302, 200, 200, 200, 200, 200, 200),
    "instruments/new/check/": (302, 405, 405, 405, 405, 405, 405),
    "instruments/new/validate/<slug:field>/": (302, 405, 405, 405, 405, 405, 405),
    "instruments/<case:number>/": (302, 200, 200, 404, 404, 404, 404),
    "instruments/<case:number>/confirmation/": (
        302,
        404,
        302,
        404,
        404,
        404,
        404,
    ),  # already confirmed: back to the note
    "instruments/<case:number>/confirmation/resend/": (302, 405, 405, 405, 405, 405, 405),
    "instruments/<case:number>/answer/": (302, 405, 405, 405, 405, 405, 405),
    "instruments/<case:number>/cancel/": (302, 405, 405, 405, 405, 405, 405),
    "instruments/<case:number>/pay/": (302, 405, 405, 405, 405, 405, 405),
    "instruments/<case:number>/certify-paid/": (302, 405, 405, 405, 405, 405, 405),
    "instruments/<case:number>/endorse/": (302, 200, 404, 404, 404, 404, 404),
    "instruments/<case:number>/endorsement/answer/": (302, 405, 405, 405, 405, 405, 405),
    "instruments/<case:number>/endorsement/withdraw/": (302, 405, 405, 405, 405, 405, 405),
    "instruments/<case:number>/enforce/": (302, 200, 404, 404, 404, 404, 404),
    "instruments/<case:number>/note.pdf": (302, 200, 200, 404, 404, 404, 404),
    # -- linkage (entity representatives only) --
    "linkage/tokens/": (302, 403, 403, 403, 200, 403, 403),
    "linkage/tokens/<int:pk>/revoke/": (302, 403, 403, 403, 405, 403, 403),
    "linkage/webhooks/": (302, 403, 403, 403, 200, 403, 403),
    "linkage/webhooks/<int:pk>/disable/": (302, 403, 403, 403, 405, 403, 403),
    "linkage/report/": (302, 403, 403, 403, 200, 403, 403),
    "linkage/report/csv/": (302, 403, 403, 403, 200, 403, 403),
    "linkage/report/pdf/": (302, 403, 403, 403, 200, 403, 403),
    # -- supervision (judges and staff) --
    "supervision/": (302, 302, 302, 302, 302, 200, 200),
    "supervision/statistics/": (302, 302, 302, 302, 302, 200, 200),
    "supervision/decisions/<int:pk>/": (302, 302, 302, 302, 302, 200, 404),
    "supervision/decisions/<int:pk>/replay/": (302, 302, 302, 302, 302, 200, 404),
    "supervision/decisions/<int:pk>/<slug:action>/": (405, 405, 405, 405, 405, 405, 405),
    # -- operations (staff) --
    "operations/": (302, 404, 404, 404, 404, 200, 200),
    "operations/disbursements/<int:pk>/retry/": (405, 405, 405, 405, 405, 405, 405),  # POST only (tests/payments)
    # -- payments and the (simulated) gateway --
    "payments/": (302, 200, 200, 200, 200, 200, 200),
    "payments/invoices/<bill:bill_number>/": (302, 404, 200, 404, 404, 404, 404),
    "payments/invoices/<bill:bill_number>/pay/": (302, 405, 405, 405, 405, 405, 405),
    "payments/invoices/<bill:bill_number>.pdf": (302, 404, 200, 404, 404, 404, 404),
    "payments/receipts/<int:pk>.pdf": (302, 404, 200, 404, 404, 404, 404),
    "payments/callback/": (405, 405, 405, 405, 405, 405, 405),
    "gateway/bank/": (200, 200, 200, 200, 200, 200, 200),  # the simulated bank's transfer screen
    "gateway/s/<gateway:token>/": (200, 200, 200, 200, 200, 200, 200),
    "gateway/s/<gateway:token>/method/": (405, 405, 405, 405, 405, 405, 405),
    "gateway/s/<gateway:token>/card/": (405, 405, 405, 405, 405, 405, 405),
    "gateway/s/<gateway:token>/otp/": (405, 405, 405, 405, 405, 405, 405),
    "gateway/s/<gateway:token>/sadad/": (405, 405, 405, 405, 405, 405, 405),
    "gateway/s/<gateway:token>/cancel/": (405, 405, 405, 405, 405, 405, 405),
    # -- notifications --
    "notifications/": (302, 200, 200, 200, 200, 200, 200),
    "notifications/bell/": (200, 200, 200, 200, 200, 200, 200),
    "notifications/read-all/": (405, 405, 405, 405, 405, 405, 405),
    "notifications/<int:pk>/read/": (405, 405, 405, 405, 405, 405, 405),
    # -- Django admin (staff; judges hold no model permission) --
    "admin/": (302, 302, 302, 302, 302, 200, 200),
    "admin/login/": (302, 302, 302, 302, 302, 302, 302),  # to the throttled staff login
    "admin/logout/": (302, 302, 302, 302, 302, 405, 405),
    "admin/password_change/": (302, 302, 302, 302, 302, 200, 200),
    "admin/password_change/done/": (302, 302, 302, 302, 302, 200, 200),
    "admin/autocomplete/": (302, 302, 302, 302, 302, 403, 403),
    "admin/jsi18n/": (302, 302, 302, 302, 302, 200, 200),
    "admin/r/<path:content_type_id>/<path:object_id>/": (302, 302, 302, 302, 302, 404, 404),
    "admin/accounts/user/<id>/password/": (302, 302, 302, 302, 302, 403, 403),
    "admin/^(?P<app_label>auth|accounts|registries|payments|notifications)/$": (302, 302, 302, 302, 302, 404, 404),
    "admin/(?P<url>.*)$": (302, 302, 302, 302, 302, 404, 404),
    # -- the Nafath app simulator (development and tests only; off in production) --
    "nafath/": (200, 200, 200, 200, 200, 200, 200),
    "nafath/requests/<int:pk>/answer/": (405, 405, 405, 405, 405, 405, 405),
    # -- the demo clock (development only: a 404 with DEMO_CLOCK off, not mounted in production) --
    "demo/clock/move/": (405, 405, 405, 405, 405, 405, 405),
    "demo/clock/reset/": (405, 405, 405, 405, 405, 405, 405),
}

# Every route Django's admin makes for a registered model, whatever the model.
ADMIN_MODEL_EXPECTED = (302, 302, 302, 302, 302, 403, 403)
# .../<pk>/ (the old change URL): staff are redirected to .../<pk>/change/ (then 403), others to the admin login.
ADMIN_OLD_CHANGE_EXPECTED = (302, 302, 302, 302, 302, 302, 302)


def arguments(world) -> dict:
    """Real values for each route's parameters."""
    w = world
    req, cv, note = w.request.number, w.conveyance.number, w.note.number
    return {
        "help/<slug:service>/": {"service": "conveyance"},
        "enforcement/new/validate/<slug:field>/": {"field": "amount"},
        "enforcement/drafts/<int:pk>/": {"pk": w.draft.pk},
        "enforcement/requests/<case:number>/invoices/<bill:bill_number>.pdf": {
            "number": req,
            "bill_number": w.invoice.bill_number,
        },
        "enforcement/requests/<case:number>/receipts/<int:pk>.pdf": {"number": req, "pk": w.payment.pk},
        "enforcement/requests/<case:number>/<slug:action>/": {"number": req, "action": "withdraw"},
        "enforcement/requests/<case:number>/motions/<slug:name>/": {"number": req, "name": "objection"},
        "enforcement/requests/<case:number>/disclosure/": {"number": req},
        "enforcement/requests/": {"number": req},
        "conveyance/deeds/<deed:number>/": {"number": w.deed.number},
        "conveyance/deeds/<deed:number>.pdf": {"number": w.deed.number},
        "conveyance/new/validate/<slug:field>/": {"field": "price"},
        "conveyance/": {"number": cv},
        "verify/deed/": {"number": w.deed.number},
        "verify/order/": {"number": w.request.order.number},
        "verify/request/": {"number": req},
        "verify/invoice/": {"bill_number": w.invoice.bill_number},
        "verify/receipt/": {"number": w.payment.receipt_number},
        "verify/instrument/": {"number": note},
        "instruments/new/validate/<slug:field>/": {"field": "creditor_id"},
        "instruments/": {"number": note},
        "linkage/tokens/": {"pk": w.token.pk},
        "linkage/webhooks/": {"pk": w.webhook.pk},
        "supervision/decisions/<int:pk>/<slug:action>/": {"pk": w.decision.pk, "action": "confirm"},
        "supervision/decisions/": {"pk": w.decision.pk},
        "payments/invoices/": {"bill_number": w.invoice.bill_number},
        "payments/receipts/": {"pk": w.payment.pk},
        "gateway/s/": {"token": w.gateway.token},
        "notifications/": {"pk": w.notification.pk},
        "admin/r/": {"content_type_id": "1", "object_id": "1"},
        "admin/accounts/user/": {"id": w.other.pk},
        "admin/^": {"app_label": "registries"},
        "nafath/": {"pk": w.challenge.pk},
        "operations/disbursements/": {"pk": 1},
    }


def url_of(route: str, name: str | None, args: dict) -> str:
    if name is None:  # the admin's catch-all
        return "/admin/no-such-page/"
    if "<" not in route and "(?P" not in route:
        return reverse(name)
    exact = args.get(route)
    if exact is None:  # the longest prefix with arguments
        prefixes = [p for p in args if route.startswith(p)]
        assert prefixes, f"no arguments for {route!r}: add them to arguments()"
        exact = args[max(prefixes, key=len)]
    return reverse(name, kwargs=exact)


def admin_model_urls():
    urls = []
    for model in admin.site._registry:
        opts = model._meta
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        base = f"admin:{opts.app_label}_{opts.model_name}"
        urls += [reverse(f"{base}_changelist"), reverse(f"{base}_add")]
        if pk is None:  # no row to open (staff would be sent back to the index)
            continue
        urls += [reverse(f"{base}_{view}", args=[pk]) for view in ("change", "delete", "history")]
        urls.append(f"/admin/{opts.app_label}/{opts.model_name}/{pk}/")  # the old change URL
    return urls


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def header_problems(response) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    if directives.get("script-src") != "'self'":
        problems.append(f"script-src {directives.get('script-src')!r}")
    if directives.get("frame-ancestors") != "'none'" or directives.get("object-src") != "'none'":
        problems.append("frame-ancestors/object-src")
    if response.get("X-Frame-Options") != "DENY":
        problems.append("X-Frame-Options")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append("Referrer-Policy")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append("Permissions-Policy")
    if response.get("Content-Type", "").startswith("text/html") and not getattr(response, "streaming", False):
        html = response.content.decode(errors="replace")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JAVASCRIPT_URL):
            found = pattern.search(html)
            if found:
                problems.append(f"inline script: {found.group(0)[:80]!r}")
    return problems


def test_every_route_has_an_expectation():
    routes = {route for route, _name in site_routes()}
    missing = sorted(routes - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - routes)
    assert not missing, f"URLs with no access expectation (add a row to EXPECTED): {missing}"
    assert not stale, f"rows in EXPECTED for URLs that no longer exist: {stale}"
    assert admin_model_routes(), "the admin registers models"


def test_access_matrix_and_security_headers_on_every_url(world, clients):
    args = arguments(world)
    mismatches, observed, header_failures = [], {}, []
    for route, name in site_routes():
        url = url_of(route, name, args)
        row = []
        for persona in PERSONAS:
            response = clients[persona].get(url)
            row.append(response.status_code)
            problems = header_problems(response)
            if problems:
                header_failures.append(f"{persona} GET {url}: {problems}")
        observed[route] = tuple(row)
        expected = EXPECTED.get(route)
        if expected is not None and tuple(row) != expected:
            mismatches.append(f"{route} ({url}): expected {expected}, got {tuple(row)}")
    table = "\n".join(f"    {route!r}: {codes}," for route, codes in observed.items())
    assert not mismatches, "access differs from EXPECTED:\n" + "\n".join(mismatches) + "\n\nobserved:\n" + table
    assert not header_failures, "\n".join(header_failures)


def test_admin_is_staff_only_on_every_model_url(world, clients):
    mismatches, header_failures = [], []
    for url in admin_model_urls():
        row = []
        for persona in PERSONAS:
            response = clients[persona].get(url)
            row.append(response.status_code)
            if response.status_code == 302 and persona not in ("judge", "other_judge"):
                assert response["Location"].startswith(reverse("admin:login")), (persona, url, response["Location"])
            problems = header_problems(response)
            if problems:
                header_failures.append(f"{persona} GET {url}: {problems}")
        old_change = url.rstrip("/").split("/")[-1].isdigit()
        if tuple(row) != (ADMIN_OLD_CHANGE_EXPECTED if old_change else ADMIN_MODEL_EXPECTED):
            mismatches.append(f"{url}: {tuple(row)}")
    assert not mismatches, "\n".join(mismatches)
    assert not header_failures, "\n".join(header_failures)


def test_sign_in_redirects_go_to_the_right_login_page(world, clients):
    """Anonymous people are sent to the Nafath login (the staff pages to the staff login), with ?next."""
    anonymous = clients["anonymous"]
    response = anonymous.get(reverse("enforcement:detail", args=[world.request.number]))
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    response = anonymous.get(reverse("supervision:decision", args=[world.decision.pk]))
    assert response["Location"].startswith(reverse("accounts:staff_login") + "?next=")
    for persona in ("creditor", "debtor", "other", "entity_rep"):  # signed in, but not staff
        response = clients[persona].get(reverse("supervision:queue"))
        assert response["Location"].startswith(reverse("accounts:staff_login")), persona

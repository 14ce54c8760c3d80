"""Junk in every form field and every API input never makes a 500.

The forms are not listed by hand: each page a persona uses is opened and every <form> on it is
read (its action, method and field names), so a field added to a template is fuzzed too. Junk:
any unicode (no lone surrogates: they cannot be sent as UTF-8), control characters and NUL,
Arabic-Indic digits, very long strings, numbers out of range, SQL- and HTML-looking text.
"""

import json
import re
import traceback
from html import unescape

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from .conftest import client_for

pytestmark = pytest.mark.django_db

EXAMPLES = 12
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "'",
    "\"",
    "' OR '1'='1' --",
    "1; DROP TABLE enforcement_enforcementrequest;--",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "%s%s%n",
    "{{ 7*7 }}",
    "-1",
    "0",
    "-0.00",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 40,
    "0.001",
    "1,000.00",
    "١٢٣٤٥٦٧٨٩٠",
    "۱۲۳۴۵۶۷۸۹۰",
    "١٠٠٠٫٥٠",
    "SA" + "0" * 22,
    "x" * 5000,
    "\u202e\u200f",
    "😀" * 50,
    "null",
    "[]",
    "{}",
]
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
junk = st.one_of(
    st.sampled_from(NASTY),
    text,
    st.text(alphabet="٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹0123456789.,-", min_size=1, max_size=24),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), min_size=1, max_size=10),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(input|select|textarea|button)\b([^>]*)>", re.I)
ATTR = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')


def forms_on(html: str, page_url: str) -> list[dict]:
    found = []
    for attrs, body in FORM.findall(html):
        form_attrs = dict(ATTR.findall(attrs))
        action = unescape(form_attrs.get("action") or form_attrs.get("hx-post") or form_attrs.get("hx-get") or page_url)
        method = (form_attrs.get("method") or ("post" if "hx-post" in form_attrs else "get")).lower()
        fields, buttons = [], {}
        for tag, field_attrs in FIELD.findall(body):
            a = dict(ATTR.findall(field_attrs))
            name = a.get("name")
            if not name or name == "csrfmiddlewaretoken":
                continue
            if tag.lower() == "button" or a.get("type") == "submit":
                buttons[name] = unescape(a.get("value", ""))
            elif name not in fields:
                fields.append(name)
        if action.startswith("/") and (fields or buttons):
            found.append({"action": action.split("#")[0], "method": method, "fields": fields, "buttons": buttons})
    return found


# (persona, page) pairs: the pages whose forms each persona fills in
def pages(w) -> list[tuple[str, str]]:
    req, cv, note = w.request.number, w.conveyance.number, w.note.number
    return [
        ("anonymous", reverse("accounts:login")),
        ("anonymous", reverse("accounts:staff_login")),
        ("anonymous", reverse("nafath:simulator") + f"?national_id={w.other.national_id}"),
        ("anonymous", reverse("gateway:session", args=[w.gateway.token])),
        ("creditor", reverse("home")),
        ("creditor", reverse("enforcement:new")),
        ("creditor", reverse("enforcement:list")),
        ("creditor", reverse("enforcement:dashboard")),
        ("creditor", reverse("enforcement:detail", args=[req])),
        ("creditor", reverse("conveyance:new")),
        ("creditor", reverse("conveyance:detail", args=[cv])),
        ("creditor", reverse("einstruments:new")),
        ("creditor", reverse("einstruments:detail", args=[note])),
        ("creditor", reverse("einstruments:endorse", args=[note])),
        ("creditor", reverse("einstruments:enforce", args=[note])),
        ("debtor", reverse("conveyance:offer", args=[cv])),
        ("debtor", reverse("einstruments:detail", args=[note])),
        ("debtor", reverse("payments:invoice_detail", args=[w.invoice.bill_number])),
        ("debtor", reverse("notifications:list")),
        ("entity_rep", reverse("linkage:tokens")),
        ("entity_rep", reverse("linkage:webhooks")),
        ("entity_rep", reverse("linkage:report")),
        ("judge", reverse("supervision:queue")),
        ("judge", reverse("supervision:decision", args=[w.decision.pk])),
        ("judge", reverse("supervision:statistics")),
    ]


# POST endpoints whose form is not on a page above (or only sometimes): fields named here
EXTRA = [
    (
        "creditor",
        "post",
        reverse("enforcement:validate", args=["amount"]),
        ["instrument_number", "debtor_ids", "amount", "iban"],
    ),
    (
        "creditor",
        "post",
        reverse("enforcement:validate", args=["iban"]),
        ["instrument_number", "debtor_ids", "amount", "iban"],
    ),
    (
        "creditor",
        "post",
        reverse("conveyance:validate", args=["price"]),
        ["deed_number", "buyer_id", "price", "capacity"],
    ),
    ("creditor", "post", reverse("accounts:act_as"), ["entity", "cr_number", "next"]),
    ("debtor", "post", reverse("accounts:login"), ["national_id", "next"]),
]


def _send(client, method, action, data):
    if method == "get":
        return client.get(action, data)
    return client.post(action, data)


def fuzz_form(client, method, action, fields, buttons):
    last = {}
    strategies = dict.fromkeys(fields, junk)

    @FUZZ
    @given(values=st.fixed_dictionaries(strategies), drop=st.sets(st.sampled_from(fields or [""])))
    def run(values, drop):
        data = {name: value for name, value in values.items() if name not in drop}
        data.update(buttons)
        last["data"] = data
        response = _send(client, method, action, data)
        assert response.status_code < 500, (response.status_code, data)

    try:
        run()
    except Exception as error:
        summary = "".join(traceback.format_exception_only(type(error), error)).strip()[:400]
        frames = [
            f"{f.filename.split('/work/main/')[-1]}:{f.lineno} {f.name}"
            for f in traceback.extract_tb(error.__traceback__)
            if "/site-packages/" not in f.filename and "/tests/" not in f.filename
        ]
        return f"{method.upper()} {action} {last.get('data')!r:.600}\n    {summary}\n    at {frames[-3:]}"
    return None


def test_no_form_input_makes_a_500(world):
    clients, failures, fuzzed = {}, [], set()
    targets = []
    for persona, page in pages(world):
        client = clients.setdefault(persona, client_for(world, persona))
        response = client.get(page)
        assert response.status_code == 200, (persona, page, response.status_code)
        for form in forms_on(response.content.decode(), page.split("?")[0]):
            key = (
                persona,
                form["method"],
                form["action"],
                tuple(form["fields"]),
                tuple(sorted(form["buttons"].items())),
            )
            if key not in fuzzed:
                fuzzed.add(key)
                targets.append((persona, form["method"], form["action"], form["fields"], form["buttons"]))
    for persona, method, action, fields in EXTRA:
        targets.append((persona, method, action, fields, {}))
    # logging out or switching language would only end the session; those carry no input worth fuzzing
    targets = [t for t in targets if t[2] not in (reverse("accounts:logout"), reverse("set_language"))]
    assert len(targets) >= 20, targets
    for persona, method, action, fields, buttons in targets:
        client = clients.setdefault(persona, client_for(world, persona))
        failure = fuzz_form(client, method, action, fields, buttons)
        if failure:
            failures.append(f"{persona}: {failure}")
    assert not failures, f"{len(failures)} form(s) answered 500:\n" + "\n".join(failures)


# --- the API ---------------------------------------------------------------------------------

json_value = st.one_of(junk, st.integers(min_value=-(10**40), max_value=10**40), st.floats(allow_nan=True),
                       st.booleans(), st.none(), st.lists(junk, max_size=5), st.dictionaries(text, junk, max_size=3))
filing = st.fixed_dictionaries(
    {},
    optional={"instrument_number": json_value, "debtor_ids": st.one_of(st.lists(junk, max_size=5), json_value),
              "amount": json_value, "iban": json_value},
)
header_safe = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=300)


def test_no_api_input_makes_a_500(world):
    from .test_api_matrix import entity_request

    ent = entity_request(world)
    client = client_for(world, "anonymous")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ent.secret}"}

    @FUZZ
    @given(body=st.one_of(filing, json_value), key=st.one_of(st.none(), header_safe),
           raw=st.one_of(st.none(), st.binary(max_size=200)), language=st.one_of(st.none(), header_safe))
    def post(body, key, raw, language):
        headers = dict(auth)
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        if language is not None:
            headers["HTTP_ACCEPT_LANGUAGE"] = language
        data = raw if raw is not None else json.dumps(body, allow_nan=True)
        response = client.post("/api/v1/requests", data=data, content_type="application/json", **headers)
        assert response.status_code < 500, (body, key, raw, response.content[:300])

    @FUZZ
    @given(params=st.dictionaries(st.sampled_from(["status", "submitted_from", "submitted_to", "debtor", "amount_min",
                                                   "amount_max", "page", "page_size"]), junk, max_size=8),
           number=junk)
    def get(params, number):
        assert client.get("/api/v1/requests", params, **auth).status_code < 500, params
        for path in ("/api/v1/requests/{}", "/api/v1/requests/{}/invoices", "/api/v1/requests/{}/payments",
                     "/api/v1/conveyances/{}"):
            url = path.format(number.replace("/", "").replace("?", "").replace("#", "").replace("\x00", "") or "x")
            assert client.get(url, **auth).status_code < 500, url

    post()
    get()


# --- a `next` that is not a path (redirect() would take "0" for a view name) -------------------


@pytest.mark.parametrize("where", ["notifications:read_all", "notifications:read", "accounts:act_as"])
def test_a_next_that_is_not_a_path_is_not_a_500(world, where):
    persona = "debtor" if where.startswith("notifications") else "entity_rep"
    client = client_for(world, persona)
    url = reverse(where, args=[world.notification.pk]) if where == "notifications:read" else reverse(where)
    data = {"next": "0"} if where != "accounts:act_as" else {"next": "0", "entity": ""}
    response = client.post(url, data)
    assert response.status_code < 500


def test_signed_in_person_opening_login_with_a_next_that_is_not_a_path_is_not_a_500(world):
    client = client_for(world, "creditor")
    assert client.get(reverse("accounts:login"), {"next": "0"}).status_code < 500


def test_staff_sign_in_with_a_next_that_is_not_a_path_is_not_a_500(world):
    from tests.factories.accounts import STAFF_PASSWORD

    client = client_for(world, "anonymous")
    response = client.post(reverse("accounts:staff_login"),
                           {"national_id": world.judge.national_id, "password": STAFF_PASSWORD, "next": "0"})
    assert response.status_code < 500


@pytest.mark.parametrize("path", ["/api/v1/requests/{}", "/api/v1/requests/{}/invoices", "/api/v1/requests/{}/payments",
                                  "/api/v1/conveyances/{}"])
def test_a_case_number_with_a_nul_byte_is_refused_not_a_500(world, path):
    from .test_api_matrix import entity_request

    ent = entity_request(world)
    client = client_for(world, "anonymous")
    response = client.get(path.format("EN-%00"), HTTP_AUTHORIZATION=f"Bearer {ent.secret}")
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/problem+json")


# --- junk in every path segment ------------------------------------------------------------

PARAMETER = re.compile(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)")
SEGMENTS = ["a\x00b", "9" * 30, "x" * 5000, "é😀٣٤", "%ff%fe"]


def junk_paths(route: str) -> list[str]:
    """The route with each junk segment in place of every parameter (a route with none gets one appended)."""
    from urllib.parse import quote

    route = route.lstrip("^").rstrip("$")
    paths = []
    for segment in SEGMENTS:
        text = segment if "%" in segment else quote(segment, safe="")
        filled = PARAMETER.sub(lambda _match, text=text: text, route) if PARAMETER.search(route) else route + text
        paths.append("/" + filled)
    return paths


def test_no_url_pattern_answers_500_to_a_nul_overlong_or_non_ascii_segment(world):
    from .test_api_matrix import entity_request
    from .urls import walk

    auth = {"HTTP_AUTHORIZATION": f"Bearer {entity_request(world).secret}"}
    clients = {persona: client_for(world, persona, raise_request_exception=False)
               for persona in ("anonymous", "creditor", "judge")}
    failures, sent = [], 0
    for route, _name, _pattern in walk():
        for path in junk_paths(route):
            for persona, client in clients.items():
                extra = auth if route.startswith("api/") and persona == "anonymous" else {}
                for method in (client.get, client.post):
                    sent += 1
                    status = method(path, **extra).status_code
                    if status >= 500:
                        failures.append(f"{method.__name__.upper()} {path[:120]!r} as {persona}: {status}")
    assert sent > 7000
    assert not failures, f"{len(failures)} answered 5xx:\n" + "\n".join(failures[:50])

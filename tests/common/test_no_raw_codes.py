"""No page shows a raw code: a status, a step or outcome, a rule id or a circuit's slug.

The demo data taken through the services (tests/factories/demo_cases.py), then every main page
of every role, in Arabic and in English. In Arabic every code is looked for
as a whole word of the visible text; in English, where "paid" or "closed" are plain words, the
codes that are not words (order_issued, riyadh-1, iban_held_by_creditor).
"""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from conveyance.states import Status as ConveyanceStatus
from demo import data as demo
from einstruments.models import PromissoryNote
from einstruments.states import Status as NoteStatus
from enforcement.models import Circuit
from enforcement.states import PublicStatus, Status
from najiz.casefile.models import Decision
from supervision.labels import OUTCOMES, STEPS
from tests.factories import demo_cases as demo_world
from tests.factories.demo_cases import user

pytestmark = pytest.mark.django_db
# Names the registries also hold in English: an English page shows those.
ARABIC_ONLY = [*demo.DISTRICTS_EN, "مصرف الراجحي", "محكمة التنفيذ بالرياض", "الدائرة الأولى للتنفيذ"]


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def found(code: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text, flags=re.ASCII) is not None


@pytest.fixture
def demo_cases(django_capture_on_commit_callbacks, travel):
    return demo_world.build(django_capture_on_commit_callbacks, travel)


def pages_of(cases) -> list[tuple[str, str, str | None]]:
    """(national id, url, entity acted for) for every main page of every role."""
    numbers = [r.number for r in cases["requests"]]
    person_pages = [
        reverse("home"), reverse("enforcement:list"), reverse("enforcement:dashboard"),
        reverse("enforcement:against_me"), reverse("conveyance:list"), reverse("conveyance:deeds"),
        reverse("einstruments:list"), reverse("notifications:list"),
    ]
    own_requests = [reverse("enforcement:detail", args=[n]) for n in numbers[:3]]
    sale, shared = (c.number for c in cases["conveyances"])
    note = cases["note"].number
    pages = [(demo.ABDULLAH, url, None) for url in person_pages + own_requests]
    pages += [(demo.ABDULLAH, reverse("conveyance:detail", args=[n]), None) for n in (sale, shared)]
    pages += [(demo.ABDULLAH, reverse("einstruments:detail", args=[note]), None)]
    pages += [(demo.ABDULLAH, url, demo.OFUQ) for url in person_pages[:4]]
    pages += [(demo.ABDULLAH, reverse("enforcement:detail", args=[numbers[3]]), demo.OFUQ)]
    pages += [(demo.KHALID, url, None) for url in person_pages + own_requests[:2]]
    pages += [(demo.KHALID, reverse("einstruments:detail", args=[note]), None)]
    pages += [(demo.NOURA, url, None) for url in person_pages]
    pages += [(demo.NOURA, reverse("conveyance:detail", args=[n]), None) for n in (sale, shared)]
    pages += [(who, reverse("conveyance:deed", args=[deed]), None) for who, deed in (
        (demo.ABDULLAH, demo.DEED_MORTGAGED), (demo.KHALID, demo.DEED_SEIZED), (demo.NOURA, demo.DEED_NOT_UPDATED),
    )]
    staff = [reverse("supervision:queue"), reverse("supervision:queue") + "?state=", reverse("supervision:statistics")]
    for staff_id in (demo.JUDGE_RIYADH, demo.JUDGE_JEDDAH, demo.NOTARY):
        pages += [(staff_id, url, None) for url in staff]
    one_of_each = {(d.case_type_id, d.step, d.outcome): d for d in Decision.objects.select_related("circuit")}
    for decision in one_of_each.values():
        reviewer = demo.NOTARY if decision.circuit_id is None else decision.circuit.judges.first().national_id
        pages.append((reviewer, reverse("supervision:decision", args=[decision.pk]), None))
        pages.append((reviewer, reverse("supervision:replay", args=[decision.pk]), None))
    return pages


def codes() -> set[str]:
    found_codes = set(Status.values) | set(PublicStatus.values) | set(ConveyanceStatus.values)
    found_codes |= set(NoteStatus.values) | set(STEPS) | set(OUTCOMES)
    found_codes |= set(Circuit.objects.values_list("code", flat=True))
    for rules, outcome, step in Decision.objects.values_list("rules", "outcome", "step"):
        found_codes |= {rule["id"] for rule in rules} | {outcome, step}
    return found_codes


def not_words(all_codes) -> set[str]:
    return {code for code in all_codes if "_" in code or "-" in code}


def test_no_page_shows_a_raw_code(client, demo_cases):
    all_codes = codes()
    assert {"riyadh-1", "awaiting_consents", "transferred", "instrument_valid"} <= all_codes
    assert PromissoryNote.objects.filter(status=NoteStatus.AWAITING_ACCEPTANCE).exists()
    shown = []
    signed_in = None
    for national_id, url, entity in pages_of(demo_cases):
        if national_id != signed_in:
            client.force_login(user(national_id))
            signed_in = national_id
        for language in ("ar", "en"):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            client.post(reverse("accounts:act_as"), {"entity": entity or ""})
            response = client.get(url)
            assert response.status_code == 200, (national_id, url, language, response.status_code)
            text = visible_text(response.content.decode())
            looked_for = all_codes if language == "ar" else not_words(all_codes)
            shown += [(language, url, code) for code in sorted(looked_for) if found(code, text)]
            if language == "en":
                shown += [(language, url, name) for name in ARABIC_ONLY if name in text]
    report = sorted({f"{language} {re.sub(r'[0-9]+', 'N', url)} {code}" for language, url, code in shown})
    assert shown == [], "\n".join(report)

"""templates/components/: error summary, field, timeline, badge, pagination, stat card."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation

from .urls import SampleForm


@pytest.fixture
def invalid_form():
    form = SampleForm({"name": "", "notes": "", "token": ""})
    assert not form.is_valid()
    return form


def render(template, **context):
    return render_to_string(f"components/{template}", context)


def test_error_summary_is_an_alert_linking_each_field(invalid_form):
    html = render("form_errors.html", form=invalid_form)
    assert 'role="alert"' in html
    assert 'tabindex="-1"' in html
    assert "data-error-summary" in html
    assert "يرجى تصحيح ما يلي" in html
    assert '<a href="#id_name">Name: هذا الحقل مطلوب.</a>' in html
    assert '<a href="#id_amount">Amount: هذا الحقل مطلوب.</a>' in html
    assert '<a href="#id_agree">I agree: هذا الحقل مطلوب.</a>' in html
    # A group of radios is linked to its wrapper, which carries the field's id.
    assert '<a href="#id_kind">Kind: هذا الحقل مطلوب.</a>' in html
    assert "<li>The request as a whole is not acceptable</li>" in html
    # A hidden field cannot be focused: its error is listed without a link.
    assert "<li>Token: هذا الحقل مطلوب.</li>" in html
    assert 'href="#id_notes"' not in html


def test_error_summary_in_english(invalid_form):
    with translation.override("en"):
        html = render("form_errors.html", form=invalid_form)
    assert "Please correct the following" in html
    assert '<a href="#id_name">Name: This field is required.</a>' in html


def test_error_summary_is_empty_for_a_valid_or_unbound_form():
    assert render("form_errors.html", form=SampleForm()).strip() == ""


def test_field_links_help_text_and_errors_to_the_input(invalid_form):
    html = render("field.html", field=invalid_form["name"])
    assert '<label class="field-label" for="id_name">Name</label>' in html
    assert '<p class="field-help" id="id_name_helptext">As on your ID card</p>' in html
    assert '<ul class="field-errors" id="id_name_error">' in html
    input_tag = re.search(r"<input[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in input_tag
    assert 'aria-describedby="id_name_helptext id_name_error"' in input_tag
    assert "field-invalid" in html


def test_valid_field_is_not_marked_invalid():
    form = SampleForm({"name": "Sara", "amount": "10", "kind": "a", "agree": "on", "token": "x"})
    form.is_valid()
    html = render("field.html", field=form["name"])
    assert "aria-invalid" not in html
    assert "field-errors" not in html
    assert 'aria-describedby="id_name_helptext"' in html


def test_optional_field_says_so():
    html = render("field.html", field=SampleForm()["notes"])
    assert "(اختياري)" in html


def test_radio_group_is_a_fieldset_described_by_its_errors(invalid_form):
    html = render("field.html", field=invalid_form["kind"])
    assert '<fieldset class="fieldset" aria-describedby="id_kind_error">' in html
    assert '<legend class="field-label">Kind</legend>' in html
    assert 'id="id_kind_error"' in html


def test_checkbox_label_follows_its_input(invalid_form):
    html = render("field.html", field=invalid_form["agree"])
    assert html.index('type="checkbox"') < html.index('<label for="id_agree">I agree</label>')
    assert 'aria-invalid="true"' in html


def test_hidden_field_renders_only_the_input(invalid_form):
    html = render("field.html", field=invalid_form["token"]).strip()
    assert html.startswith('<input type="hidden" name="token"')
    assert "<label" not in html


class FakeEvent:
    def __init__(self, message, actor, at):
        self.message, self.actor, self.at = message, actor, at

    def get_actor_display(self):
        return {"system": "النظام", "person": "شخص", "judge": "قاضٍ"}[self.actor]


def test_timeline_lists_events_with_both_dates():
    riyadh = ZoneInfo("Asia/Riyadh")
    events = [
        FakeEvent("تم تقديم الطلب", "person", datetime(2024, 3, 11, 9, 30, tzinfo=riyadh)),
        FakeEvent("اكتمل التدقيق الآلي", "system", datetime(2024, 3, 11, 9, 31, tzinfo=riyadh)),
        FakeEvent("أكد القاضي القرار", "judge", datetime(2024, 3, 12, 10, 0, tzinfo=riyadh)),
    ]
    html = render("timeline.html", events=events)
    assert html.count('<li class="timeline-item') == 3
    assert 'class="timeline-item timeline-judge"' in html
    assert html.index("تم تقديم الطلب") < html.index("اكتمل التدقيق الآلي")
    assert "<time datetime=" in html
    assert "1445" in html  # Hijri year of March 2024
    assert "2024" in html
    assert "قاضٍ" in html


def test_empty_timeline_says_so():
    assert "لا توجد إجراءات على هذا الطلب بعد." in render("timeline.html", events=[])


@pytest.mark.parametrize("tone", ["info", "success", "warning", "danger", "neutral"])
def test_status_badge_tones(tone):
    assert (
        render("status_badge.html", label="جديد", tone=tone).strip() == f'<span class="badge badge-{tone}">جديد</span>'
    )


def test_status_badge_defaults_to_neutral():
    assert 'class="badge badge-neutral"' in render("status_badge.html", label="x")


def test_stat_card():
    html = render("stat_card.html", label="طلبات مفتوحة", value=12, hint="آخر 30 يوماً", tone="success")
    assert "stat-card stat-card-success" in html
    assert '<p class="stat-card-label">طلبات مفتوحة</p>' in html
    assert '<p class="stat-card-value">12</p>' in html
    assert "آخر 30 يوماً" in html


def test_pagination_keeps_the_other_query_parameters(rf):
    page = Paginator(list(range(95)), 10).page(3)
    request = rf.get("/enforcement/", {"status": "open", "q": "EN-2024", "page": "3"})
    html = render_to_string("components/pagination.html", {"page_obj": page}, request=request)
    assert 'aria-label="الصفحات"' in html
    assert "الصفحة 3 من 10" in html
    assert 'href="?status=open&amp;q=EN-2024&amp;page=2" rel="prev"' in html
    assert 'href="?status=open&amp;q=EN-2024&amp;page=4" rel="next"' in html
    assert 'href="?status=open&amp;q=EN-2024&amp;page=1"' in html
    assert 'href="?status=open&amp;q=EN-2024&amp;page=10"' in html


def test_pagination_at_the_edges_and_for_a_single_page(rf):
    request = rf.get("/")
    first = Paginator(list(range(30)), 10).page(1)
    html = render_to_string("components/pagination.html", {"page_obj": first}, request=request)
    assert 'aria-disabled="true"' in html
    assert 'rel="prev"' not in html
    assert 'href="?page=2" rel="next"' in html
    single = Paginator([1, 2], 10).page(1)
    assert render_to_string("components/pagination.html", {"page_obj": single}, request=request).strip() == ""


def test_icon_is_hidden_from_assistive_technology():
    html = render("icon.html", name="deed")
    assert 'aria-hidden="true"' in html
    assert 'focusable="false"' in html
    assert "<path" in html


def test_automation_progress_is_a_status_with_a_spinner():
    html = render("automation_progress.html")
    assert 'role="status"' in html
    assert 'class="spinner"' in html

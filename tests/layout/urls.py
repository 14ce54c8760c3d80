"""The portal's URLs plus a few views that exist only to exercise the layout in tests."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from najiz.urls import urlpatterns as portal_urlpatterns

handler400 = "najiz.common.views.bad_request"
handler403 = "najiz.common.views.permission_denied"
handler404 = "najiz.common.views.page_not_found"
handler500 = "najiz.common.views.server_error"


class SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on your ID card")
    amount = forms.DecimalField(label="Amount")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)
    agree = forms.BooleanField(label="I agree")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The request as a whole is not acceptable")


FORM_PAGE = engines["django"].from_string(
    """{% extends "base.html" %}
{% block title %}Sample form{% endblock %}
{% block content %}
<h1>Sample form</h1>
{% include "components/form_errors.html" with form=form %}
<form method="post" class="form" novalidate>{% csrf_token %}
{% for field in form %}{% include "components/field.html" with field=field %}{% endfor %}
<div class="actions"><button type="submit" class="btn btn-primary">Send</button></div>
</form>
{% endblock %}"""
)


HTMX_FORM = engines["django"].from_string(
    """<form method="post" class="form" id="htmx-form" hx-post="/_layout/htmx-form/" hx-target="this" hx-swap="outerHTML" novalidate>
{% include "components/form_errors.html" with form=form %}
{% for field in form %}{% include "components/field.html" with field=field %}{% endfor %}
<div class="actions"><button type="submit" class="btn btn-primary">Send</button></div>
</form>"""
)
HTMX_PAGE = engines["django"].from_string(
    """{% extends "base.html" %}{% block title %}htmx form{% endblock %}
{% block content %}<h1>htmx form</h1>{{ form_html }}{% endblock %}"""
)


def htmx_form(request):
    """GET: the page with an empty form; htmx POST (CSRF from <body hx-headers>): the form again."""
    if request.method == "POST":
        form = SampleForm(request.POST)
        form.is_valid()
        return HttpResponse(HTMX_FORM.render({"form": form}, request))
    return HttpResponse(HTMX_PAGE.render({"form_html": HTMX_FORM.render({"form": SampleForm()}, request)}, request))


def sample_form(request):
    form = SampleForm(request.POST or {"name": "", "notes": ""})
    form.is_valid()
    return HttpResponse(FORM_PAGE.render({"form": form}, request))


PLAIN_PAGE = engines["django"].from_string(
    """{% extends "base.html" %}{% block title %}Plain{% endblock %}{% block content %}<h1>Plain page</h1>{% endblock %}"""
)


def with_messages(request):
    messages.success(request, "Saved")
    messages.error(request, "Payment failed")
    return HttpResponse(PLAIN_PAGE.render({}, request))


def denied(request):
    raise PermissionDenied


def bad(request):
    raise SuspiciousOperation("tampered")


def boom(request):
    raise RuntimeError("the portal broke")


urlpatterns = [
    path("_layout/form/", sample_form),
    path("_layout/htmx-form/", htmx_form),
    path("_layout/messages/", with_messages),
    path("_layout/denied/", denied),
    path("_layout/bad/", bad),
    path("_layout/boom/", boom),
    *portal_urlpatterns,
]

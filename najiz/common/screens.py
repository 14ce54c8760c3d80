"""What the case apps' screens share: the door of a page of one case (and the page that only
shows it), the live validation of one form field, and a fragment that keeps polling while the
automation runs (htmx), and the refusal of a value longer than its field takes."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def case_screen(find):
    """A page of one case, read by its number: signed in, GET only, never cached. The view gets
    the case `find(request, number)` returns in place of the number; `find` answers 404 to anyone
    who may not see it."""

    def decorate(view):
        @never_cache
        @login_required
        @require_GET
        @wraps(view)
        def screen(request, number):
            return view(request, find(request, number))

        return screen

    return decorate


def case_page(find, template, context_for):
    """A page of one case that only shows it: `template` with `context_for(request, case)`."""

    @case_screen(find)
    def page(request, case):
        return render(request, template, context_for(request, case))

    return page


def field_feedback(request, field, *, live_fields, form_for, template):
    """Live validation of one field of the posted form: its error, or what was found (an
    instrument, a deed, a name), as a fragment. A field not validated live is a 404."""
    if field not in live_fields:
        raise Http404
    form = form_for(request, request.POST)
    form.is_valid()
    typed = bool(str(request.POST.get(field, "")).strip())
    context = {"form": form, "field": form[field], "name": field, "typed": typed}
    return render(request, template, context)


def poll(request, template, context, *, running):
    """A fragment the page polls while the automation runs. The poll that finds it done makes the
    page reload once (HX-Refresh), so that the amounts and sections around it are current too."""
    response = render(request, template, context)
    if request.htmx and not running:
        response["HX-Refresh"] = "true"
    return response


# The longest text a field with no length of its own (an amount, a date, a search) takes.
LONGEST_TEXT = 100


def limits_of(form_class, **more) -> dict:
    """{name: (label, longest)} of a form's fields (and `more` of the same shape), for `too_long`."""
    fields = form_class.base_fields.items()
    return {name: (field.label, getattr(field, "max_length", None) or LONGEST_TEXT) for name, field in fields} | more


def too_long(request, limits: dict):
    """A 400 naming the field when a value sent (form field or query parameter) is longer than the
    field takes (`limits`: {name: (label, longest)}), else None. A browser stops at the inputs'
    maxlength, so only a hand-made request meets it; it gets this answer, never a 500."""
    data = request.POST if request.method == "POST" else request.GET
    for name, (label, longest) in limits.items():
        if any(len(value) > longest for value in data.getlist(name)):
            message = _("“%(field)s” is too long: at most %(longest)s characters.") % {
                "field": label, "longest": longest,
            }
            return render(request, "components/input_refused.html", {"message": message}, status=400)
    return None

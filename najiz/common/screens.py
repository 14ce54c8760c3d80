"""What the case apps' screens share: the door of a page of one case (and the page that only
shows it), the live validation of one form field, and a fragment that keeps polling while the
automation runs (htmx)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
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

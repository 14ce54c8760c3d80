"""Writing a text in a given language."""

from contextlib import nullcontext

from django.utils import translation


def written_in(lang):
    """`translation.override(lang)`, or nothing to do when `lang` is None or already the active
    language: a page writes dozens of dates and amounts, and switching the language for each
    costs more than writing it."""
    active = translation.get_language()
    if active and lang in (None, active):
        return nullcontext()
    return translation.override(lang or active or "ar")

"""The note's printed form: its verification code, the public verification URL and the PDF, and
what an uploaded copy is judged against (najiz.common.documents)."""

from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy

from najiz.common import documents, links, pdf
from najiz.registries import services as registries

KIND = "instrument"


def verification_code(number: str) -> str:
    """A short code bound to the instrument number by the site's secret (proves a printout is ours)."""
    return documents.code(KIND, number)


def verification_url(number: str, request=None) -> str:
    path = reverse("verify_instrument:detail", args=[number])
    return f"{links.absolute(path, request)}?code={verification_code(number)}"


def code_matches(number: str, code: str) -> bool:
    return documents.code_matches(KIND, number, code)


def state(note, chain) -> str:
    """What a note printed now shows that can change: its status, holder and endorsements."""
    return documents.fingerprint(
        note.number, note.status, note.amount, note.holder_person_id, note.holder_entity_id,
        *(f"{row.pk}" for row in chain),
    )


def note_pdf(note, *, request=None) -> bytes:
    url = verification_url(note.number, request)
    chain = registries.endorsement_chain(note.number)
    context = {
        "note": note,
        "chain": chain,
        "code": verification_code(note.number),
        "verify_url": url,
    }
    stamp = documents.stamp(KIND, note.number, state(note, chain))
    return pdf.render_pdf("einstruments/pdf/note.html", context, request=request, document=stamp)


def lookup(number: str) -> documents.Record | None:
    from .models import PromissoryNote

    note = PromissoryNote.objects.filter(number=str(number)[:20], instrument__isnull=False).first()
    if note is None:
        return None
    chain = registries.endorsement_chain(note.number)
    return documents.Record(
        state=state(note, chain), current=note.instrument.is_valid if note.instrument_id else False,
        title=_("Promissory note %(number)s") % {"number": note.number}, url=verification_url(note.number),
        facts=[(_("Status"), note.get_status_display())],
    )


def register_kinds() -> None:
    documents.register(KIND, gettext_lazy("Electronic promissory note"), lookup)

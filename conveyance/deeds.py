"""Deed documents: the verification code printed on a deed, its PDF, and what the verification
page and an uploaded copy are judged against (najiz.common.documents)."""

from django.urls import reverse
from django.utils.translation import gettext as _, gettext_lazy

from najiz.common import documents, links, pdf
from najiz.registries import services as registries

KIND = "deed"


def verification_code(deed_number: str) -> str:
    """A short code bound to the deed number by the site's secret: it proves a printed deed came
    from the portal. Ten characters, grouped for reading."""
    return documents.code(KIND, deed_number)


def verification_url(deed_number: str, request=None) -> str:
    path = reverse("verify:deed", args=[deed_number])
    return f"{links.absolute(path, request)}?code={verification_code(deed_number)}"


def code_matches(deed_number: str, code: str) -> bool:
    return documents.code_matches(KIND, deed_number, code)


def state(deed, owners=None, encumbrances=None) -> str:
    """What a deed printed now shows of the record: its owners and shares, its encumbrances and the
    property. A copy printed before any of it changed is superseded."""
    owners = deed.owner_rows.all() if owners is None else owners
    encumbrances = registries.active_encumbrances(deed) if encumbrances is None else encumbrances
    return documents.fingerprint(
        deed.number, deed.area, deed.plan_number, deed.plot_number, deed.district, deed.issuing_office,
        # the raw fields, never the labels: the fingerprint must not depend on the reader's language
        *(f"{getattr(deed, f'{side}_boundary')}:{getattr(deed, f'{side}_length')}" for side in deed.SIDES),
        *sorted(f"{row.person_id}:{row.share}" for row in owners),
        *sorted(f"{row.kind}:{row.ref}" for row in encumbrances),
    )


def deed_pdf(deed, *, request=None) -> bytes:
    url = verification_url(deed.number, request)
    owners = list(deed.owner_rows.select_related("person").all())
    encumbrances = registries.active_encumbrances(deed)
    context = {
        "deed": deed,
        "owners": owners,
        "encumbrances": encumbrances,
        "previous": deed.previous,
        "boundaries": deed.boundaries(),
        "code": verification_code(deed.number),
        "verify_url": url,
    }
    stamp = documents.stamp(KIND, deed.number, state(deed, owners, encumbrances))
    return pdf.render_pdf("conveyance/pdf/deed.html", context, request=request, document=stamp)


def lookup(number: str) -> documents.Record | None:
    deed = registries.deed(number)
    if deed is None:
        return None
    facts = [(_("Deed status"), deed.get_status_display()), (_("City"), deed.city_label)]
    return documents.Record(
        state=state(deed), current=not deed.is_closed, title=_("Title deed %(number)s") % {"number": deed.number},
        url=verification_url(deed.number), facts=facts,
    )


def register_kinds() -> None:
    documents.register(KIND, gettext_lazy("Title deed"), lookup)

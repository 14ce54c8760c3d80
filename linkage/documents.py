"""The aggregate report as a document (najiz.common.documents): a statement of an entity's figures
at the moment it was printed, so a genuine copy is never "superseded"."""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _, gettext_lazy

from najiz.common import documents
from najiz.common.templatetags.najiz_format import both_dates_filter

KIND = "aggregate-report"


def stamp(entity, generated_at) -> str:
    return documents.stamp(KIND, f"{entity.cr_number}@{generated_at.isoformat(timespec='seconds')}", "-")


def lookup(reference: str) -> documents.Record | None:
    cr_number, _at, moment = str(reference).partition("@")
    when = parse_datetime(moment)
    if not cr_number.isdigit() or when is None:
        return None
    return documents.Record(
        state="-", facts=[(_("Commercial registration"), cr_number), (_("Date"), both_dates_filter(when, "time"))]
    )


def register_kinds() -> None:
    documents.register(KIND, gettext_lazy("Aggregate report of enforcement requests"), lookup, snapshot=True)

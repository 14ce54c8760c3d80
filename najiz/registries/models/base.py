"""What the registry models share, and other apps' models use: bilingual names, party pairs."""

from django.db.models import Q
from django.utils.translation import get_language

from najiz.common.money import ZERO  # noqa: F401  (re-exported for the registry models)


def _english() -> bool:
    return (get_language() or "ar").startswith("en")


def _name(ar: str, en: str) -> str:
    return (en or ar) if _english() else (ar or en)


def exactly_one(first: str, second: str) -> Q:
    return Q(**{f"{first}__isnull": False, f"{second}__isnull": True}) | Q(
        **{f"{first}__isnull": True, f"{second}__isnull": False}
    )


class Party:
    """The person or the entity a `<prefix>_person` / `<prefix>_entity` pair of foreign keys holds.

    `creditor = Party("creditor")` on a model reads like a property: `row.creditor`.
    """

    def __init__(self, prefix: str):
        self.person, self.entity = f"{prefix}_person", f"{prefix}_entity"

    def __get__(self, row, owner=None):
        if row is None:
            return self
        return getattr(row, self.person) or getattr(row, self.entity)

"""The portal's official documents: what each PDF says it is, its verification code, and the
verdict on an uploaded copy.

Every signed PDF carries a stamp, "kind|reference|state" (in its metadata, covered by the
signature): the kind of document ("deed", "order", ...), its number, and a short fingerprint of
what it shows (`fingerprint(...)` of the fields printed). Each app registers its kinds
(`register` in its AppConfig.ready()) with a look-up that answers what the registry holds now:

    documents.register("deed", _("Title deed"), lookup)      # lookup(reference) -> Record | None

An uploaded copy is then (`judge`):
* valid and current: signed by the portal, unaltered, and the record still shows what it shows;
* valid but superseded: signed and unaltered, but the record has moved on (the deed was
  transferred, the invoice paid since, ...);
* altered or not issued here: anything else (no signature, a broken one, another key's, a
  document the registry does not know).
"""

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import Promise

from . import signing

SEPARATOR = "|"


@dataclass(frozen=True)
class Record:
    """What the registry holds now about a document's subject."""

    state: str  # fingerprint of what a document printed now would show
    current: bool = True  # False once the subject itself is closed or replaced (a transferred deed)
    title: str = ""  # e.g. "Title deed 1234567890"
    url: str = ""  # its public verification page
    facts: list = field(default_factory=list)  # [(label, value)] safe to show anyone


@dataclass(frozen=True)
class Kind:
    name: str
    label: Promise | str
    lookup: Callable[[str], Record | None]
    # A statement of figures at the moment it was printed (a report): genuine is all there is to
    # say, it is never "superseded".
    snapshot: bool = False


_KINDS: dict[str, Kind] = {}


def register(name: str, label, lookup: Callable[[str], Record | None], *, snapshot: bool = False) -> None:
    _KINDS[name] = Kind(name, label, lookup, snapshot)


def kind(name: str) -> Kind | None:
    return _KINDS.get(name)


def fingerprint(*values) -> str:
    """A short digest of the values a document shows: equal while nothing it prints has changed."""
    text = "\x1f".join("" if value is None else str(value) for value in values)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def stamp(kind_name: str, reference: str, state: str) -> str:
    return SEPARATOR.join([kind_name, str(reference), state])


def parse_stamp(text: str) -> tuple[str, str, str] | None:
    parts = str(text or "").split(SEPARATOR)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 and all(parts) else None


def code(kind_name: str, reference: str) -> str:
    """A short code bound to the document by the site's secret, printed by its QR code. Ten
    characters, grouped for reading."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind_name}:{reference}".encode(), hashlib.sha256)
    text = digest.hexdigest().upper()
    return f"{text[:5]}-{text[5:10]}"


def code_matches(kind_name: str, reference: str, given: str) -> bool:
    return hmac.compare_digest(code(kind_name, reference), str(given or "").strip().upper()[:20])


class Outcome:
    CURRENT = "current"
    SUPERSEDED = "superseded"
    NOT_OURS = "not_ours"


@dataclass(frozen=True)
class Verdict:
    outcome: str
    problem: str | None = None  # signing.Problem, or "unknown" for a stamp no record answers
    kind: Kind | None = None
    reference: str = ""
    record: Record | None = None

    @property
    def valid(self) -> bool:
        return self.outcome in (Outcome.CURRENT, Outcome.SUPERSEDED)


UNKNOWN = "unknown"


def judge(data: bytes) -> Verdict:
    """The verdict on an uploaded file (see the module's docstring). Never raises on bad input."""
    result = signing.check(data)
    if not result.ours:
        return Verdict(Outcome.NOT_OURS, problem=result.problem)
    parsed = parse_stamp(result.identity)
    found = kind(parsed[0]) if parsed else None
    if found is None:
        return Verdict(Outcome.NOT_OURS, problem=UNKNOWN)
    _name, reference, state = parsed
    record = found.lookup(reference)
    if record is None:
        return Verdict(Outcome.NOT_OURS, problem=UNKNOWN, kind=found, reference=reference)
    fresh = found.snapshot or (record.current and record.state == state)
    outcome = Outcome.CURRENT if fresh else Outcome.SUPERSEDED
    return Verdict(outcome, kind=found, reference=reference, record=record)

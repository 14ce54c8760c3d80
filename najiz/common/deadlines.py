"""A moment something falls due, as the apps' selectors name it to other apps (the demo clock's
"next deadline", the home page's tasks)."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Deadline:
    at: datetime
    what: str  # translated: what happens then
    number: str = ""  # the case it belongs to


def earliest(*deadlines: "Deadline | None") -> "Deadline | None":
    found = [deadline for deadline in deadlines if deadline is not None]
    return min(found, key=lambda deadline: deadline.at) if found else None

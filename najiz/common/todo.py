""""My tasks": what waits for the signed-in person, each with its deadline, on the home page.

Each service registers a provider, a selector of its own `(user, acting_entity) -> [Task]`, when
its app is ready; the home page asks them all here, so it reads no service's tables itself.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Task:
    what: str  # translated: what to do
    url: str
    number: str = ""  # the case or bill it is about
    due: datetime | None = None  # the deadline, if there is one
    # Tasks of one thing told by two services share a key (an enforcement order and its invoice:
    # "purpose:<app>.<model>:<pk>"); one is kept, the one with a deadline, else the first told.
    key: str = ""


Provider = Callable[..., list[Task]]
_providers: dict[str, Provider] = {}


def purpose_key(app_label: str, model: str, pk) -> str:
    return f"purpose:{app_label}.{model}:{pk}"


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def tasks_for(user, acting_entity=None) -> list[Task]:
    """Every provider's tasks, the nearest deadline first, those without one last."""
    if user is None or not user.is_authenticated:
        return []
    tasks, kept = [], {}
    for provider in _providers.values():
        for task in provider(user, acting_entity):
            if not task.key:
                tasks.append(task)
            elif task.key not in kept or (kept[task.key].due is None and task.due is not None):
                kept[task.key] = task
    tasks += kept.values()
    return sorted(tasks, key=lambda task: (task.due is None, task.due or datetime.min.replace(tzinfo=None), task.what))

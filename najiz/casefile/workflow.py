"""How a case moves from state to state, the same way for every kind of case.

Each app declares its states and the moves allowed between them as a Machine (in its states.py)
and moves its cases through a Workflow (in its services.py): the move is checked against the
table, the row saves only the fields the move and the caller changed, the case-file event is
written and the app's announcer tells listeners. A Stage makes the same moves for a batch,
written in bulk at its flush. docs/states.md is drawn from the machines (scripts/states_doc.py).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from najiz.common import clock
from najiz.common.bulk import update_rows

from . import services as casefile
from .models import Actor


class TransitionError(Exception):
    def __init__(self, current, target):
        super().__init__(f"{current} → {target} is not allowed")
        self.current, self.target = current, target


@dataclass(frozen=True, eq=False)
class Machine:
    """A kind of case's states (a TextChoices) and the table of moves between them.

    moves: every state, with the states it may move to.
    stamps: a state, with the datetime field dated by the move into it.
    returns: a state left by going back to the state it was entered from (Workflow.back), not by
        a move of the table, with the field that keeps that state meanwhile.
    forced: moves outside the table that only a command naming them makes (move(forced=True)).
    """

    name: str
    states: type
    moves: Mapping[str, frozenset]
    stamps: Mapping[str, str] = field(default_factory=dict)
    returns: Mapping[str, str] = field(default_factory=dict)
    forced: Mapping[str, frozenset] = field(default_factory=dict)

    def can_move(self, current: str, target: str) -> bool:
        return target in self.moves.get(current, frozenset())

    def check(self, current: str, target: str, *, forced: bool = False) -> None:
        if not (self.can_move(current, target) or (forced and target in self.forced.get(current, frozenset()))):
            raise TransitionError(current, target)

    @property
    def fields(self) -> list[str]:
        """The fields any move may write."""
        return ["status", "status_changed_at", *dict.fromkeys([*self.stamps.values(), *self.returns.values()])]


class Workflow:
    """The moves of one model's cases. The caller holds the case's row lock (locked()).

    event_params(case): the params every event of a move carries (e.g. the case's number).
    snapshot(case) and announce(snapshots): what listeners receive of each move and how they are
        told (the app's signal, sent by announce inside the transaction of the moves); without
        announce nobody is told.
    """

    def __init__(self, machine: Machine, model, *, event_params: Callable[[object], dict] | None = None,
                 snapshot: Callable = lambda case: case, announce: Callable[[list], None] | None = None):
        self.machine, self.model = machine, model
        self.event_params, self.snapshot, self.announce = event_params, snapshot, announce

    def locked(self, pk: int):
        return self.model.objects.select_for_update().get(pk=pk)

    def move(self, case, to: str, *, changed: Iterable[str] = (), forced: bool = False, **event):
        """The one place a case changes state: checked against the table, the move's fields and
        `changed` (the other fields the caller set) saved, its event written (event: see event()),
        listeners told."""
        self.machine.check(case.status, to, forced=forced)
        self.make(case, to)
        return self._write(case, changed, self.event(case, to, **event))

    def back(self, case, *, kind: str, **event):
        """Leave a returning state (machine.returns) for the state it was entered from."""
        kept_in = self.machine.returns.get(case.status)
        if kept_in is None or not getattr(case, kept_in):
            raise TransitionError(case.status, "back")
        to = getattr(case, kept_in)
        self.make(case, to)
        setattr(case, kept_in, "")
        return self._write(case, (), self.event(case, to, kind=kind, **event))

    def stage(self) -> "Stage":
        return Stage(self)

    # --- the parts of a move ---

    def make(self, case, to: str) -> None:
        """Make the move on the instance only (not checked, not saved)."""
        kept_in = self.machine.returns.get(to)
        if kept_in:
            setattr(case, kept_in, case.status)
        case.status = to
        case.status_changed_at = clock.now()
        stamp = self.machine.stamps.get(to)
        if stamp:
            setattr(case, stamp, case.status_changed_at)

    def event(self, case, to: str, *, actor=Actor.SYSTEM, user=None, decision=None, params=None, kind=None):
        """The case-file event of a move (kind "<machine>.<state>" unless named), not yet saved."""
        params = {**self.event_params(case), **(params or {})} if self.event_params else params or {}
        return casefile.new_event(case, kind or f"{self.machine.name}.{to}", actor=actor, user=user, decision=decision,
                                  params=params)

    def _write(self, case, changed, event):
        case.save(update_fields=[*self.machine.fields, *changed])
        event.save(force_insert=True)
        if self.announce is not None:
            self.announce([self.snapshot(case)])
        return case


class Stage:
    """Moves of many cases in one transaction: each checked and made on the instance at once, and
    written at flush() in bulk (the events together, the rows in one statement, one announcement)."""

    def __init__(self, workflow: Workflow):
        self.workflow = workflow
        self.events, self.moves = [], []

    def move(self, case, to: str, **event) -> None:
        workflow = self.workflow
        workflow.machine.check(case.status, to)
        workflow.make(case, to)
        self.events.append(workflow.event(case, to, **event))
        if workflow.announce is not None:
            self.moves.append(workflow.snapshot(case))

    def mark(self) -> tuple:
        """Where the staged moves stand now, for undo()."""
        return len(self.events), len(self.moves)

    def undo(self, mark: tuple) -> None:
        """Drop the moves staged since mark() (restoring the cases themselves is the caller's)."""
        del self.events[mark[0]:], self.moves[mark[1]:]

    def flush(self, cases, *, changed: Iterable[str] = (), decisions=()) -> None:
        """Insert the decisions and the moves' events, save the cases' move fields and `changed`,
        then announce every move in the order made."""
        casefile.save_all(decisions=decisions, events=self.events)
        update_rows(cases, [*self.workflow.machine.fields, *changed])
        if self.moves:
            self.workflow.announce(self.moves)

"""The demo clock (DEMO_CLOCK, development only): move the portal's time forward and run the
sweeps at once, so what waits for a deadline happens in front of the newcomer: the Art. 46
measures after the payment period, the newspaper notice, an e-note falling due, an offer expiring.

The offset is kept by najiz.common.clock (in the database, so it outlasts a restart). Moving back
(`reset`) undoes nothing the sweeps did; it only gives the portal its real time again.
"""

from datetime import timedelta

from conveyance import selectors as conveyance
from einstruments import selectors as einstruments
from enforcement import selectors as enforcement
from najiz.common import clock
from najiz.common.deadlines import Deadline, earliest
from najiz.common.management.commands.run_sweeps import run_round

STEPS = {"1d": timedelta(days=1), "5d": timedelta(days=5), "20d": timedelta(days=20)}
NEXT = "next"
# Past the deadline by this much, so that the sweeps, which compare with it, find it due.
PAST_THE_DEADLINE = timedelta(minutes=1)


class ClockOff(Exception):
    """The demo clock is off (any environment but `make run`'s development one)."""


def next_deadline(now=None) -> Deadline | None:
    """The nearest pending deadline of any service, from each service's selectors."""
    now = clock.now() if now is None else now
    return earliest(enforcement.next_deadline(now), conveyance.next_deadline(now), einstruments.next_deadline(now))


def move(delta: timedelta) -> dict:
    """Move the portal's time forward by `delta`, then run every sweep once in-process (as
    `manage.py run_sweeps` does); {sweep: result} of those that ran."""
    if not clock.demo_clock_on():
        raise ClockOff
    if delta <= timedelta(0):
        raise ValueError("the demo clock only moves forward")
    clock.set_demo_offset(clock.demo_offset() + delta)
    return run_round()


def move_to_next_deadline() -> Deadline | None:
    """Move to just past the nearest pending deadline and run the sweeps; None if none is pending."""
    if not clock.demo_clock_on():
        raise ClockOff
    deadline = next_deadline()
    if deadline is None:
        return None
    move(max(deadline.at - clock.now(), timedelta(0)) + PAST_THE_DEADLINE)
    return deadline


def reset() -> None:
    if not clock.demo_clock_on():
        raise ClockOff
    clock.set_demo_offset(timedelta(0))

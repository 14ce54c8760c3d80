import io
import logging
import os
import signal

import pytest
from django.core.management import CommandError, call_command

from najiz import sweeps
from najiz.common.management.commands import run_sweeps

pytestmark = pytest.mark.django_db


def test_once_runs_every_registered_sweep(caplog):
    out = io.StringIO()
    with caplog.at_level(logging.INFO, logger="najiz.sweeps"):
        call_command("run_sweeps", "--once", stdout=out)
    for name in sweeps.SWEEPS:
        assert f"{name}: " in out.getvalue()
        assert any(f"sweep {name}:" in message for message in caplog.messages)


def test_a_failing_sweep_is_logged_and_the_others_still_run(monkeypatch, caplog):
    ran = []

    def fake_run_sweep(name):
        ran.append(name)
        if name == "broken.sweep":
            raise RuntimeError("boom")
        return 3

    monkeypatch.setattr(sweeps, "SWEEPS", ["broken.sweep", "good.sweep"])
    monkeypatch.setattr(sweeps, "run_one", fake_run_sweep)
    with caplog.at_level(logging.INFO, logger="najiz.sweeps"):
        assert run_sweeps.run_round() == {"good.sweep": 3}
    assert ran == ["broken.sweep", "good.sweep"]
    failure = next(record for record in caplog.records if "broken.sweep failed" in record.getMessage())
    assert failure.levelno == logging.ERROR and failure.exc_info
    with pytest.raises(CommandError, match=r"broken\.sweep"):
        call_command("run_sweeps", "--once", stdout=io.StringIO())


def test_the_loop_survives_errors_and_stops_cleanly_on_sigterm(monkeypatch, caplog):
    rounds = []
    before = signal.getsignal(signal.SIGTERM)

    def fake_round(names=None, stop=None):
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("a whole round failed")
        if len(rounds) == 3:
            assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, before)
            os.kill(os.getpid(), signal.SIGTERM)
        return {}

    monkeypatch.setattr(run_sweeps, "run_round", fake_round)
    with caplog.at_level(logging.INFO, logger="najiz.sweeps"):
        call_command("run_sweeps", "--interval", "0.01")
    assert len(rounds) == 3
    assert "sweep round failed" in caplog.messages
    assert "run_sweeps: stopped" in caplog.messages
    assert signal.getsignal(signal.SIGTERM) == before


def test_ctrl_c_stops_the_loop(monkeypatch):
    rounds = []
    before = signal.getsignal(signal.SIGINT)

    def fake_round(names=None, stop=None):
        rounds.append(1)
        os.kill(os.getpid(), signal.SIGINT)
        return {}

    monkeypatch.setattr(run_sweeps, "run_round", fake_round)
    call_command("run_sweeps", "--interval", "5")  # returns at once: the wait ends on the signal
    assert rounds == [1]
    assert signal.getsignal(signal.SIGINT) == before


def test_interval_defaults_to_the_setting(monkeypatch, settings):
    settings.SWEEP_INTERVAL_SECONDS = 0.01
    waits = []

    class Event:
        def __init__(self):
            self.stopped = False

        def is_set(self):
            return self.stopped

        def set(self):
            self.stopped = True

        def wait(self, timeout):
            waits.append(timeout)
            self.stopped = True

    monkeypatch.setattr(run_sweeps.threading, "Event", Event)
    monkeypatch.setattr(run_sweeps, "run_round", lambda names=None, stop=None: {})
    call_command("run_sweeps")
    assert waits == [0.01]


def test_a_stop_request_ends_the_round_after_the_sweep_in_progress(monkeypatch):
    stop = run_sweeps.threading.Event()
    ran = []

    def fake_run_sweep(name):
        ran.append(name)
        stop.set()
        return 0

    monkeypatch.setattr(sweeps, "run_one", fake_run_sweep)
    assert run_sweeps.run_round(["first", "second"], stop=stop) == {"first": 0}
    assert ran == ["first"]


def test_interval_must_be_positive():
    with pytest.raises(CommandError):
        call_command("run_sweeps", "--interval", "0")

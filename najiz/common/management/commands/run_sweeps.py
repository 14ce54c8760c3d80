"""`manage.py run_sweeps`: the periodic jobs of najiz.sweeps, in a loop, for development.

Without a Celery beat (no REDIS_URL) this is what applies Art. 46 measures when a payment period
lapses, expires unanswered offers, retries deliveries and re-enqueues stalled cases. Every
`SWEEP_INTERVAL_SECONDS` (or `--interval`) each sweep runs once, in-process; `--once` runs one
round and exits. Ctrl-C or SIGTERM ends the loop cleanly after the sweep in progress (a second
Ctrl-C interrupts at once).

Each sweep of `najiz.sweeps.SWEEPS` is run the way `najiz.sweeps.run_all()` runs it, but one at
a time, so a sweep that fails is logged and neither stops the others nor the loop.
"""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

logger = logging.getLogger("najiz.sweeps")


def release_connections():
    """Drop database connections that are broken or past CONN_MAX_AGE between sweeps.

    Like Django's own close_old_connections(), but a connection inside a transaction (a test's,
    or a caller's) is left alone.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def run_round(names=None, *, stop: threading.Event | None = None) -> dict:
    """Run every sweep once; {name: result} for those that worked. Failures are logged.

    When `stop` is set meanwhile, the round ends after the sweep in progress.
    """
    from najiz import sweeps

    results = {}
    for name in sweeps.SWEEPS if names is None else names:
        if stop is not None and stop.is_set():
            break
        started = time.monotonic()
        try:
            result = sweeps.run_one(name)
        except Exception:
            logger.exception("sweep %s failed", name)
        else:
            results[name] = result
            logger.info("sweep %s: %r (%.2fs)", name, result, time.monotonic() - started)
        finally:
            release_connections()
    return results


class Command(BaseCommand):
    help = "Run the periodic sweeps (najiz.sweeps) every SWEEP_INTERVAL_SECONDS until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between rounds (default: settings.SWEEP_INTERVAL_SECONDS, 30).",
        )
        parser.add_argument("--once", action="store_true", help="Run every sweep once and exit.")

    def handle(self, *args, interval=None, once=False, **options):
        if interval is None:
            interval = getattr(settings, "SWEEP_INTERVAL_SECONDS", 30)
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds.")

        if once:
            from najiz import sweeps

            results = self._round()
            for name, result in results.items():
                self.stdout.write(f"{name}: {result!r}")
            failed = [name for name in sweeps.SWEEPS if name not in results]
            if failed:
                raise CommandError(f"sweeps failed: {', '.join(failed)} (see the log)")
            return

        stop = threading.Event()
        previous = self._install_stop_handlers(stop)
        logger.info("run_sweeps: every %ss; Ctrl-C or SIGTERM stops", interval)
        try:
            while not stop.is_set():
                try:
                    self._round(stop)
                except Exception:  # never let one bad round end the loop
                    logger.exception("sweep round failed")
                stop.wait(interval)
        except KeyboardInterrupt:
            pass
        finally:
            self._restore_handlers(previous)
            release_connections()
        logger.info("run_sweeps: stopped")

    def _round(self, stop=None):
        release_connections()
        return run_round(stop=stop)

    @staticmethod
    def _install_stop_handlers(stop: threading.Event) -> dict:
        """First SIGINT/SIGTERM: finish the current sweep, then stop; a second one: stop now."""
        previous = {}

        def request_stop(signum, frame):
            logger.info("run_sweeps: %s received, stopping", signal.Signals(signum).name)
            stop.set()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        if threading.current_thread() is not threading.main_thread():
            return previous  # signals can only be handled in the main thread
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.getsignal(sig)
            signal.signal(sig, request_stop)
        return previous

    @staticmethod
    def _restore_handlers(previous: dict):
        for sig, handler in previous.items():
            signal.signal(sig, handler)

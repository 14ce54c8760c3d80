"""The periodic jobs: run by Celery beat in deployment and by `manage.py run_sweeps` in dev.

Each entry is a registered Celery task name. A sweep must be idempotent and batched: running it
twice in a row changes nothing the second time.
"""

SWEEPS = [
    "accounts.sweep_expired_challenges",
]


def run_all():
    """Run every sweep once, in-process, and return {name: result}."""
    from najiz.celery import app

    return {name: app.tasks[name].apply().get() for name in SWEEPS}

"""The periodic jobs: run by Celery beat in deployment and by `manage.py run_sweeps` in dev.

Each entry is a registered Celery task name. A sweep must be idempotent and batched: running it
twice in a row changes nothing the second time.
"""

SWEEPS = [
    "accounts.sweep_expired_challenges",
    "notifications.sweep_undelivered",
    "enforcement.sweep_stalled",
    "enforcement.sweep_set_aside",
    "enforcement.sweep_deadlines",
    "enforcement.sweep_instalments",
    "conveyance.sweep_expired",
    "conveyance.sweep_stalled",
    "linkage.sweep_webhooks",
    "payments.sweep_disbursements",
    "payments.sweep_expired_invoices",
    "payments.sweep_gateway",
]


def _load_tasks():
    """Import every app's tasks module, as a worker does, so the sweeps are registered."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")


def run_one(name: str):
    """Run one sweep in-process and return its result."""
    from najiz.celery import app

    _load_tasks()
    return app.tasks[name].apply(throw=True).get()


def run_all() -> dict:
    return {name: run_one(name) for name in SWEEPS}

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "najiz.settings")

app = Celery("najiz")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_sweeps(sender, **kwargs):
    """Every periodic job of najiz.sweeps runs on beat at SWEEP_INTERVAL_SECONDS."""
    from django.conf import settings

    from najiz.sweeps import SWEEPS

    for name in SWEEPS:
        sender.conf.beat_schedule[name] = {"task": name, "schedule": settings.SWEEP_INTERVAL_SECONDS}


@worker_process_init.connect
def warm_pdf(**kwargs):
    """Each worker process renders a tiny PDF before its first task (najiz.common.pdf)."""
    from najiz.common.pdf import warm_on_start

    warm_on_start()

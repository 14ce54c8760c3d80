from celery import shared_task

from . import services


@shared_task(name="accounts.sweep_expired_challenges")
def sweep_expired_challenges():
    """Mark waiting Nafath requests whose time is up as expired (batched, idempotent)."""
    return services.sweep_expired_challenges()

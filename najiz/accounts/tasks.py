from celery import shared_task


@shared_task(name="accounts.sweep_expired_challenges")
def sweep_expired_challenges():
    return 0

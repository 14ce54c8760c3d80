"""Every status change of an entity's request becomes a webhook event for its endpoints."""

import logging

from django.dispatch import receiver

from enforcement.signals import request_status_changed

from . import services

logger = logging.getLogger(__name__)


@receiver(request_status_changed, dispatch_uid="linkage.queue_status_event")
def on_request_status_changed(sender, request_id, number, status, at, **kwargs):
    try:
        services.queue_status_event(request_id=request_id, number=number, status=status, at=at)
    except Exception:  # the signal is sent robustly; say why an event is missing
        logger.exception("could not queue the webhook event of request %s (%s)", number, status)
        raise

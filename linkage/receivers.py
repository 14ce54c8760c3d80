"""Every status change of an entity's request, every event of a motion on it, and every event of a
conveyance an entity is party to become a webhook event for its endpoints."""

import logging

from django.dispatch import receiver

from conveyance.signals import conveyance_event
from enforcement.signals import motion_event, request_status_changed

from . import services

logger = logging.getLogger(__name__)


@receiver(request_status_changed, dispatch_uid="linkage.queue_status_event")
def on_request_status_changed(sender, moves, **kwargs):
    try:
        services.queue_status_events(moves)
    except Exception:  # say why an event is missing
        logger.exception("could not queue the webhook events of %s", [(m.number, m.status) for m in moves])
        raise


@receiver(motion_event, dispatch_uid="linkage.queue_motion_event")
def on_motion_event(sender, event, **kwargs):
    try:
        services.queue_motion_event(event)
    except Exception:
        logger.exception("could not queue the webhook event %s of %s", event.type, event.number)
        raise


@receiver(conveyance_event, dispatch_uid="linkage.queue_conveyance_event")
def on_conveyance_event(sender, event, **kwargs):
    try:
        services.queue_conveyance_event(event)
    except Exception:
        logger.exception("could not queue the webhook event %s of %s", event.type, event.conveyance.number)
        raise

"""Read queries of the notifications app."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Min, QuerySet

from . import conf
from .models import Delivery, Notification


def unread_count(user) -> int:
    """How many of `user`'s notifications are unread (one query; 0 for anonymous)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_of(user, *, page=1, per_page: int | None = None) -> Page:
    """`user`'s notifications, newest first, one page of them (any bad page number gives a valid page)."""
    queryset = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    return Paginator(queryset, per_page or conf.per_page()).get_page(page)


def notifications_of_case(case, *, recipient=None) -> QuerySet:
    queryset = Notification.objects.filter(case_type=ContentType.objects.get_for_model(case), case_id=case.pk)
    if recipient is not None:
        queryset = queryset.filter(recipient=recipient)
    return queryset.order_by("created_at", "id")


def proof_of_notification(notification) -> list[Delivery]:
    """Every delivery of the notification: channel, address, status, attempts, delivered_at, provider_ref."""
    return list(Delivery.objects.filter(notification=notification).order_by("id"))


def notified_at(notification) -> datetime | None:
    """When the recipient was first reached electronically on any channel (None if not yet)."""
    return Delivery.objects.filter(notification=notification, status=Delivery.Status.SENT).aggregate(
        first=Min("delivered_at")
    )["first"]

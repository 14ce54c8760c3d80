"""Filing through the API while Redis (cache and broker) is unreachable: the call succeeds, the
rate limit is counted in the process, and the sweep finishes the request once Redis is back."""

import logging
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

from celery.app.task import Task
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from enforcement.models import EnforcementRequest
from enforcement.states import Status
from enforcement.tasks import sweep_stalled
from linkage import services
from linkage.models import ApiToken
from najiz.common import clock

from .conftest import filing

UNREACHABLE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


def broker_down(self, *args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")


@contextmanager
def redis_down():
    """Cache and broker unreachable, in a process that has not yet seen the cache fail."""
    with mock.patch.object(Task, "apply_async", broker_down), mock.patch.object(services, "_cache_down_until", 0.0):
        with override_settings(CACHES=UNREACHABLE):
            yield


def test_api_filing_survives_an_unreachable_redis(ent, api_for, caplog, django_capture_on_commit_callbacks, travel):
    with redis_down(), caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = api_for(ent).post("/requests", filing(ent))
    assert response.status_code == 201, response.content.decode()[:1000]
    request = EnforcementRequest.objects.get(number=response.json()["number"])
    assert request.status == Status.SUBMITTED  # recorded; the automation could not be reached
    assert any("rate limit" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    with travel(timedelta(minutes=10)), django_capture_on_commit_callbacks(execute=True):
        assert sweep_stalled() == 1  # Redis is back: the sweep finds the request
    assert EnforcementRequest.objects.get(pk=request.pk).status == Status.ORDER_ISSUED


def test_the_rate_limit_still_holds_in_the_process(ent, api_for):
    ApiToken.objects.filter(pk=ent.token.pk).update(rate_limit=2)
    api = api_for(ent)
    with clock.freeze(timezone.now().replace(second=10)):  # the three calls share one minute
        with redis_down():
            assert [api.get("/requests").status_code for _ in range(3)] == [200, 200, 429]

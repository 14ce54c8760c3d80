"""The harness itself: tasks go through Redis to a real worker that sees committed rows."""

import pytest
from celery import shared_task

from najiz.accounts.models import User

from .conftest import wait_for

pytestmark = pytest.mark.integration


@shared_task(name="tests.rename_user")
def rename_user(national_id, name):
    User.objects.filter(national_id=national_id).update(name_en=name)


def test_worker_consumes_from_redis_and_sees_committed_rows(celery_worker):
    User.objects.create_user("1012345672", name_ar="مستخدم")
    assert not rename_user.app.conf.task_always_eager
    rename_user.delay("1012345672", "Done by the worker")
    wait_for(lambda: User.objects.filter(national_id="1012345672", name_en="Done by the worker").exists())


def test_tasks_run_in_process_outside_integration_tests(db):
    User.objects.create_user("1012345672")
    rename_user.delay("1012345672", "Eager")
    assert User.objects.get(national_id="1012345672").name_en == "Eager"

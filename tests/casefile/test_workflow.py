"""The workflow kit (najiz/casefile/workflow.py): checked moves, saved fields, events, announcements."""

import pytest
from django.contrib.contenttypes.models import ContentType

from enforcement.models import EnforcementRequest
from enforcement.states import MACHINE, Status
from najiz.casefile.models import Actor, Event
from najiz.casefile.workflow import TransitionError, Workflow
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    return []


@pytest.fixture
def workflow(announced):
    ContentType.objects.get_for_model(EnforcementRequest)  # cached from here on, as in a running portal
    return Workflow(MACHINE, EnforcementRequest, snapshot=lambda request: (request.pk, request.status),
                    announce=announced.extend)


def new_request(status=Status.DRAFT) -> EnforcementRequest:
    return EnforcementRequest.objects.create(filed_by=UserFactory(), status=status)


def events_of(request) -> list[tuple]:
    return list(Event.objects.filter(case_id=request.pk).order_by("id").values_list("kind", "actor", "params"))


def test_a_move_saves_its_own_fields_and_those_named_changed(workflow, announced, django_assert_num_queries):
    request = new_request()
    request.number = "EN-2025-000001"
    request.creditor_iban = "SA0380000000608010167519"  # set, but not named: not saved
    with django_assert_num_queries(2):  # the row, the event
        workflow.move(request, Status.SUBMITTED, actor=Actor.PERSON, params={"number": request.number},
                      changed=["number"])
    stored = EnforcementRequest.objects.get(pk=request.pk)
    assert (stored.status, stored.number, stored.creditor_iban) == (Status.SUBMITTED, "EN-2025-000001", "")
    assert events_of(request) == [("enforcement.submitted", Actor.PERSON, {"number": "EN-2025-000001"})]
    assert announced == [(request.pk, Status.SUBMITTED)]


def test_a_move_outside_the_table_is_refused_unless_the_command_forces_it(workflow):
    request = new_request(Status.SUBMITTED)
    with pytest.raises(TransitionError):
        workflow.move(request, Status.CLOSED)
    with pytest.raises(TransitionError):
        workflow.move(new_request(Status.DRAFT), Status.CLOSED, forced=True)  # not a forced move either
    workflow.move(request, Status.CLOSED, kind="enforcement.ended_by_judge", forced=True)
    stored = EnforcementRequest.objects.get(pk=request.pk)
    assert stored.status == Status.CLOSED and stored.closed_at == stored.status_changed_at
    assert [kind for kind, _actor, _params in events_of(request)] == ["enforcement.ended_by_judge"]


def test_a_suspended_request_goes_back_to_the_state_it_was_suspended_in(workflow, announced):
    request = new_request(Status.REFERRED)
    workflow.move(request, Status.SUSPENDED)
    assert EnforcementRequest.objects.get(pk=request.pk).status_before_suspension == Status.REFERRED
    workflow.back(request, kind="enforcement.resumed", actor=Actor.JUDGE, params={"reason": "-"})
    stored = EnforcementRequest.objects.get(pk=request.pk)
    assert (stored.status, stored.status_before_suspension) == (Status.REFERRED, "")
    assert [kind for kind, _actor, _params in events_of(request)] == ["enforcement.suspended", "enforcement.resumed"]
    assert announced == [(request.pk, Status.SUSPENDED), (request.pk, Status.REFERRED)]
    with pytest.raises(TransitionError):
        workflow.back(request, kind="enforcement.resumed")  # not suspended now


def test_a_stage_writes_its_moves_at_the_flush_in_bulk(workflow, announced, django_assert_num_queries):
    first, second = new_request(Status.SUBMITTED), new_request(Status.SUBMITTED)
    stage = workflow.stage()
    with django_assert_num_queries(0):
        for request in (first, second):
            stage.move(request, Status.AUDITED)
            stage.move(request, Status.ACCEPTED, params={"by": "audit"})
        with pytest.raises(TransitionError):
            stage.move(first, Status.SETTLED)
    assert EnforcementRequest.objects.get(pk=first.pk).status == Status.SUBMITTED
    first.creditor_iban = "SA0380000000608010167519"
    with django_assert_num_queries(2):  # the events' keys (their COPY is not counted), the rows
        stage.flush([first, second], changed=["creditor_iban"])
    assert dict(EnforcementRequest.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "status")) == {
        first.pk: Status.ACCEPTED, second.pk: Status.ACCEPTED}
    assert EnforcementRequest.objects.get(pk=first.pk).creditor_iban == "SA0380000000608010167519"
    assert [kind for kind, _actor, _params in events_of(second)] == ["enforcement.audited", "enforcement.accepted"]
    assert announced == [(first.pk, Status.AUDITED), (first.pk, Status.ACCEPTED),
                         (second.pk, Status.AUDITED), (second.pk, Status.ACCEPTED)]

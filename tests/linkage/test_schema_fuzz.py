"""A fuzzing client against the API's own schema (schemathesis): every operation, with data that
fits the schema and data that does not, authenticated with an entity's token. No answer is a
5xx, and every answer is one the schema documents: its status, content type, headers and body.

Fixed seed and a bounded number of examples per operation, so a run is the same every time and
takes seconds; the calls go through Django's WSGI handler in-process, on the test database.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from linkage import services

EXAMPLES = 25  # per operation and generation mode
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck))


@pytest.fixture
def app(db):
    """Django's WSGI handler, keeping the test's database connection between requests (as the
    test client does): the handler would otherwise close it when each request finishes."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api(ent, app):
    """The API's operations from its own schema, and the headers of a token that is never rate limited."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema", app)
    _token, secret = services.create_token(entity=ent.entity, user=ent.user, name="fuzzer", rate_limit=10_000)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8, [operation.label for operation in operations]
    return operations, {"Authorization": f"Bearer {secret}"}


def test_every_operation_answers_as_its_schema_says(api):
    operations, auth = api
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @seed(20261201)
            @FUZZ
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case):
                case.call_and_validate(headers=auth, checks=CHECKS)

            try:
                call()
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label} ({mode}):\n{error}")
    assert not failures, "\n\n".join(failures)


def test_a_query_string_over_4_kb_is_a_documented_414_on_every_operation(api):
    operations, auth = api
    for operation in operations:
        number = {"number": "EN-2026-000001"} if "{number}" in operation.path else None
        body = (
            {"instrument_number": "1", "debtor_ids": [], "amount": "1", "iban": "1"}
            if operation.method == "post"
            else NOT_SET
        )
        case = operation.Case(path_parameters=number, query={"q": "1" * 5000}, body=body)
        response = case.call_and_validate(headers=auth, checks=CHECKS)
        assert response.status_code == 414, operation.label

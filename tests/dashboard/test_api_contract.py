"""The contract test: schemathesis reads the OpenAPI document the running app serves and
sends every operation valid and invalid requests (with a client key, without one, with
methods the API does not allow); every answer must be what the document says: its status
codes, content types, headers and schemas, never a server error."""
from __future__ import annotations

import secrets

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from appdb.engine import open_db
from dashboard.api import clients


@pytest.fixture(scope="module")
def api_schema(server):
    app_settings, url = server
    _, key = clients.add(open_db(app_settings.app_db), f"contract-{secrets.token_hex(4)}", created_by="test",
                         rate_limit=clients.MAX_RATE)
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json", timeout=30)
    schema.config.update(base_url=f"{url}/api/v1", headers={"Authorization": f"Bearer {key}"},
                         request_timeout=60)
    schema.config.generation.update(max_examples=40, database="none", deterministic=True)
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_does_what_its_document_says(case):
    case.call_and_validate()

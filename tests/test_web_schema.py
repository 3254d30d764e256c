"""The JSON API against its own OpenAPI schema, fuzzed by Schemathesis (in process, ASGI),
and the input checks that keep request text away from SQL and paths.

Schemathesis generates requests from the schema (valid and invalid values for every
parameter) and checks each answer: never a 5xx, a status code and content type the schema
documents, and a body that conforms to the documented response schema. The examples per
route are bounded so the whole file runs in well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from storyline.settings import Settings
from storyline.web import create_app
from test_web_api import add_test_events, build_knowledge_base

# generated requests per route: enough to reach every parameter's edge values (empty, huge,
# negative, non-ASCII) while the file stays well under a minute
EXAMPLES_PER_ROUTE = 25


@pytest.fixture(scope="session")
def schema_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = build_knowledge_base(tmp_path_factory.mktemp("schema-kb"))
    add_test_events(db)
    return db


@pytest.fixture(scope="session")
def api_schema(schema_kb: Path) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(str(schema_kb), Settings()))


@pytest.fixture(scope="session")
def client(schema_kb: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(schema_kb), Settings())) as test_client:
        yield test_client


# every route of the JSON API (a test below checks the schema lists no other)
ROUTES = (
    "/api/overview",
    "/api/search",
    "/api/events",
    "/api/timeline",
    "/api/actors",
    "/api/network",
    "/api/sources",
    "/api/claims",
    "/api/documents/{document_id}",
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_the_fuzzed_routes_are_every_route_of_the_schema(client: TestClient) -> None:
    assert set(client.get("/openapi.json").json()["paths"]) == set(ROUTES)


# routes without parameters have no invalid request to generate, and any text is a valid id
WITHOUT_INVALID_REQUESTS = {"/api/overview", "/api/sources", "/api/documents/{document_id}"}


@pytest.mark.parametrize(
    ("path", "mode"),
    [(path, GenerationMode.POSITIVE) for path in ROUTES]
    + [(path, GenerationMode.NEGATIVE) for path in ROUTES if path not in WITHOUT_INVALID_REQUESTS],
)
def test_api_conforms_to_its_schema(
    api_schema: schemathesis.BaseSchema, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_ROUTE,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,  # the same requests on every run: tests are deterministic
        database=None,
    )
    def answers_by_the_schema(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS)

    answers_by_the_schema()


# -- hand-written edge cases ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/timeline?since=2024-02-30",
        "/api/timeline?until=2024-1-01",
        "/api/timeline?since=yesterday",
        "/api/events?until=99999",
        "/api/events?since=2024-13",
        "/api/timeline?since=0000",
    ],
)
def test_bad_dates_are_400_with_a_detail(client: TestClient, url: str) -> None:
    answer = client.get(url)
    assert answer.status_code == 400
    assert "date" in answer.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/timeline?limit=501",
        "/api/events?limit=100000000000000000000",
        "/api/actors?limit=0",
        "/api/network?limit=-1",
        "/api/claims?limit=1e9",
        "/api/search?q=Russia&limit=99999",
        "/api/timeline?offset=-5",
        "/api/events?offset=abc",
    ],
)
def test_huge_or_negative_limits_are_422(client: TestClient, url: str) -> None:
    answer = client.get(url)
    assert answer.status_code == 422
    assert answer.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "Russia' OR 1=1 --",
        'Russia" OR "1"="1',
        "NEAR(Russia Myanmar)",
        "Rus* AND -Myanmar",
        "title:Russia",
        "Россия",
        "a" * 500,
        "; DROP TABLE documents; --",
        "\u0000Russia",
    ],
)
def test_odd_search_queries_are_words_not_syntax(client: TestClient, query: str) -> None:
    answer = client.get("/api/search", params={"q": query})
    assert answer.status_code == 200
    hits = answer.json()["hits"]
    assert isinstance(hits, list)
    # whatever the query, the database is still whole
    assert client.get("/api/overview").json()["documents"] == 7


@pytest.mark.parametrize(
    "query", ["", "   ", "!!!", "\"'", "*", "-", "a" * 501, "%", "()", "\u200b"]
)
def test_search_without_words_or_too_long_is_4xx(client: TestClient, query: str) -> None:
    answer = client.get("/api/search", params={"q": query})
    assert 400 <= answer.status_code < 500
    assert answer.json()["detail"]


@pytest.mark.parametrize(
    "value",
    ["%", "_", "' OR '1'='1", "russia%' --", "\\", "😀", "x" * 200],
)
def test_odd_actor_and_type_filters_are_values_not_sql(client: TestClient, value: str) -> None:
    for route in ("/api/timeline", "/api/events"):
        for name in ("actor", "type"):
            answer = client.get(route, params={name: value})
            assert answer.status_code == 200, (route, name, value)
            assert answer.json()["total"] >= 0
    assert client.get("/api/overview").json()["documents"] == 7


@pytest.mark.parametrize(
    "path",
    [
        "/documents/..%2F..%2Fetc%2Fpasswd",
        "/documents/../../etc/passwd",
        "/api/documents/..%2F..%2Fetc%2Fpasswd",
        "/api/documents/%2Fetc%2Fpasswd",
        "/api/documents/' OR '1'='1",
        "/documents/%00",
        "/static/..%2F..%2Fweb.py",
        "/static/../store.py",
    ],
)
def test_no_route_builds_a_path_from_request_text(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert "root:" not in answer.text
    assert "import" not in answer.text


def test_a_document_id_with_sql_in_it_is_looked_up_as_a_value(client: TestClient) -> None:
    answer = client.get("/api/documents/sample-000' OR '1'='1")
    assert answer.status_code == 404
    assert answer.json()["detail"] == "no document \"sample-000' OR '1'='1\""
    assert client.get("/api/documents/sample-000").status_code == 200

"""Property-based fuzzing of every operation in /api/openapi.json: no input may make the API answer 5xx,
and every status it answers is documented for that operation in the spec.

Schemathesis generates valid and invalid requests from the spec and sends them to the app in-process
(WSGI). The app gets its own SQLite database (seeded with a small real catalogue) and a signed-in user,
so authenticated operations run their real logic instead of stopping at 401. A handful of derandomized
examples per operation keeps the run short and reproducible; `schemathesis run` against `yinqing serve`
goes deeper by hand.
"""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import FailureGroup, not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from tests.conftest import SHARED_DATA

# Signing out or changing the password would revoke the token every later example uses.
TOKEN_REVOKING = ("/api/auth/logout", "/api/users/me/password")


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    """The app on a fresh, migrated, seeded SQLite database, plus the auth header of one user."""
    from tests.catalog_seed import add_comments, add_lyric, seed_catalogue
    from yinqing.api import create_app
    from yinqing.config import Settings
    from yinqing.db import make_engine, make_sessionmaker
    from yinqing.migrate import upgrade

    instance = tmp_path_factory.mktemp("fuzz") / "instance"
    instance.mkdir(parents=True)
    s = Settings(instance_dir=instance)
    s.database_url = f"sqlite:///{instance / 'fuzz.db'}"
    s.secret_key = "fuzz-secret-" + uuid.uuid4().hex + uuid.uuid4().hex
    s.shared_data_dir = SHARED_DATA
    s.login_rate_limit = "100000 per minute"
    upgrade(s.database_url)
    engine = make_engine(s.database_url)
    with make_sessionmaker(engine)() as session:
        song_id = seed_catalogue(session, general=10, jay=4)[0]["id"]
        add_lyric(session, song_id)
        add_comments(session, song_id, hot=2, latest=5)
        session.commit()
    engine.dispose()
    app = create_app(s)
    r = app.test_client().post("/api/auth/register", json={"username": "fuzzer", "password": "correct-horse-1"})
    assert r.status_code == 201, r.get_json()
    app.config["FUZZ_HEADERS"] = {"Authorization": f"Bearer {r.get_json()['token']}"}
    yield app
    app.extensions["yinqing"]["engine"].dispose()


def fuzz_operation(operation, headers: dict) -> None:
    """Send a few valid and invalid derandomized requests to one operation; raise on any 5xx or on a
    status the spec does not list for it."""

    @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                          operation.as_strategy(GenerationMode.NEGATIVE)))
    @settings(max_examples=5, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=headers, checks=[not_a_server_error, status_code_conformance])

    run()


def test_no_operation_answers_5xx_or_an_undocumented_status(fuzz_app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app).exclude(path=list(TOKEN_REVOKING))
    failures, tested = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        tested += 1
        try:
            fuzz_operation(operation, fuzz_app.config["FUZZ_HEADERS"])
        except (AssertionError, FailureGroup) as exc:  # collect every failing operation, not just the first
            failures.append(f"{operation.label}: {exc}")
    assert tested > 40, "the spec lost most of its operations"
    assert not failures, "\n\n".join(failures)

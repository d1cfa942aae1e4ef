"""Sessions end on the server: a session cookie copied before its owner signed out (or
before the account was disabled, its password changed, its kiosk token revoked, or it sat
idle past the limit) is refused when replayed, though its signature is still good."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from appdb.engine import now
from appdb.schema import sessions
from dashboard.auth import accounts, manage
from tests.dashboard.conftest import PASSWORD, client_as, csrf, ensure_user
from tests.dashboard.test_security import ADMIN, kiosk_client

COOKIE = "opscenter_session"


@pytest.fixture(scope="module")
def db(app):
    return app.server.extensions["opscenter"]["db"]


def replay(app, cookie: str):
    """A new browser holding only a copy of the session cookie."""
    thief = app.server.test_client()
    thief.set_cookie(COOKIE, cookie)
    return thief


def _signed_in(client) -> bool:
    return client.get("/_dash-layout").status_code == 200


def _stored(db, **where) -> int:
    column, value = next(iter(where.items()))
    with db.connect() as connection:
        return len(connection.execute(select(sessions).where(sessions.c[column] == value)).all())


def test_a_copied_cookie_is_refused_after_its_owner_signs_out(app, demo, db):
    user_id = accounts.find(db, username=ensure_user(demo[0], "session-out", "analyst")).id
    client = client_as(app, "session-out")
    cookie = client.get_cookie(COOKIE).value
    for _ in range(3):  # used, and each use signs the cookie anew
        assert _signed_in(client)
    assert _signed_in(replay(app, cookie))  # a copy works while the session lives ...
    assert _stored(db, user_id=user_id) >= 1
    client.post("/logout", data={"csrf_token": csrf(client)})
    thief = replay(app, cookie)
    assert thief.get("/_dash-layout").status_code == 401  # ... and not once it ended
    page = thief.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert _stored(db, user_id=user_id) == 0


def test_a_new_password_or_disabling_ends_every_session_of_the_account(app, demo, db):
    ensure_user(demo[0], "session-many", "office")
    first, second = client_as(app, "session-many"), client_as(app, "session-many")
    cookies = [first.get_cookie(COOKIE).value, second.get_cookie(COOKIE).value]
    assert all(_signed_in(replay(app, cookie)) for cookie in cookies)
    user_id = accounts.find(db, username="session-many").id
    accounts.set_password(db, user_id, PASSWORD + "!")
    assert not any(_signed_in(replay(app, cookie)) for cookie in cookies)
    assert _stored(db, user_id=user_id) == 0

    accounts.set_password(db, user_id, PASSWORD)
    third = client_as(app, "session-many")
    cookie = third.get_cookie(COOKIE).value
    manage.set_active(db, ADMIN, "session-many", False)
    assert not _signed_in(replay(app, cookie))
    manage.set_active(db, ADMIN, "session-many", True)
    assert not _signed_in(replay(app, cookie))  # enabled again: the old session stays ended


def test_a_kiosk_session_ends_when_the_wall_signs_out_or_its_token_is_revoked(app, demo, db):
    wall, token_id = kiosk_client(app, demo[0])
    cookie = wall.get_cookie(COOKIE).value
    assert replay(app, cookie).get("/live/state").status_code == 200
    wall.post("/logout", data={"csrf_token": csrf(wall)})
    assert replay(app, cookie).get("/live/state").status_code == 401

    other, other_id = kiosk_client(app, demo[0])
    cookie = other.get_cookie(COOKIE).value
    assert _stored(db, kiosk_id=other_id) == 1
    manage.revoke_kiosk(db, ADMIN, other_id)
    assert replay(app, cookie).get("/live/state").status_code == 401
    assert _stored(db, kiosk_id=other_id) == 0


def test_an_idle_session_ends_on_the_server_too(app, demo, db):
    ensure_user(demo[0], "session-idle", "leader")
    client = client_as(app, "session-idle")
    assert _signed_in(client)
    user_id = accounts.find(db, username="session-idle").id
    hours = app.server.extensions["opscenter"]["settings"].session_hours
    with db.begin() as connection:
        connection.execute(update(sessions).where(sessions.c.user_id == user_id)
                           .values(last_seen_at=now() - timedelta(hours=hours, minutes=1)))
    assert client.get("/_dash-layout").status_code == 401
    assert _stored(db, user_id=user_id) == 0


def test_a_cookie_without_a_server_session_is_refused(app, demo):
    """A cookie signed with the key but naming no stored session (made by hand, or by a
    release before sessions were stored) signs nobody in."""
    ensure_user(demo[0], "session-forged", "analyst")
    client = client_as(app, "session-forged")
    with client.session_transaction() as session:
        session["sid"] = "not-a-session"
    assert client.get("/_dash-layout").status_code == 401
    with client.session_transaction() as session:
        session.pop("sid", None)
    assert client.get("/_dash-layout").status_code == 401

"""Single sign-on end to end: the real app (a subprocess) against a real, minimal OpenID
Connect provider served on 127.0.0.1 by this test (discovery, JWKS, authorize, token,
userinfo; RS256 id_tokens signed with a key made here).

Why: the SSO routes only run against a provider, and what matters is the whole chain
(redirect, state and nonce, code exchange, id_token signature and claims, matching a local
account, the session, the audit log), including that a bad client secret or a forged
id_token never signs anyone in.
"""
from __future__ import annotations

import re
import secrets
import threading
import time
from urllib.parse import urlencode

import flask
import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from tests.dashboard.conftest import ensure_user, free_port, start_app, wait_for

CLIENT_ID, CLIENT_SECRET = "opscenter-test", "s3cret-" + secrets.token_hex(8)
KEY = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
# what the provider does next; the tests change it between flows
PROVIDER = {"user": "sso-office", "secret": CLIENT_SECRET, "signing_key": KEY, "redirect_uri": None}
CODES: dict[str, dict] = {}
TOKENS: dict[str, str] = {}


def provider_app(issuer: str) -> flask.Flask:
    app = flask.Flask("test-oidc-provider")

    @app.get("/.well-known/openid-configuration")
    def discovery():
        return {"issuer": issuer, "authorization_endpoint": f"{issuer}/authorize",
                "token_endpoint": f"{issuer}/token", "userinfo_endpoint": f"{issuer}/userinfo",
                "jwks_uri": f"{issuer}/jwks", "id_token_signing_alg_values_supported": ["RS256"],
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]}

    @app.get("/jwks")
    def jwks():
        return {"keys": [KEY.as_dict(private=False)]}

    @app.get("/authorize")
    def authorize():  # auto-approves as PROVIDER["user"]
        args = flask.request.args
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
            return {"error": "invalid_request"}, 400
        assert args["redirect_uri"] == PROVIDER["redirect_uri"], args["redirect_uri"]
        assert "openid" in args.get("scope", "").split() and args.get("nonce") and args.get("state")
        code = secrets.token_urlsafe(16)
        CODES[code] = {"user": PROVIDER["user"], "nonce": args["nonce"], "redirect_uri": args["redirect_uri"]}
        return flask.redirect(args["redirect_uri"] + "?" + urlencode({"code": code, "state": args["state"]}))

    @app.post("/token")
    def token():
        auth, form = flask.request.authorization, flask.request.form
        client = (auth.username, auth.password) if auth else (form.get("client_id"), form.get("client_secret"))
        if client != (CLIENT_ID, PROVIDER["secret"]):
            return {"error": "invalid_client"}, 401
        grant = CODES.pop(form.get("code", ""), None)
        if form.get("grant_type") != "authorization_code" or grant is None \
                or form.get("redirect_uri") != grant["redirect_uri"]:
            return {"error": "invalid_grant"}, 400
        now = int(time.time())
        claims = {"iss": issuer, "aud": CLIENT_ID, "sub": f"id-{grant['user']}", "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"], "preferred_username": grant["user"]}
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, PROVIDER["signing_key"])
        access_token = secrets.token_urlsafe(16)
        TOKENS[access_token] = grant["user"]
        return {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    @app.get("/userinfo")
    def userinfo():
        user = TOKENS.get(flask.request.headers.get("Authorization", "").removeprefix("Bearer "))
        if user is None:
            return {"error": "invalid_token"}, 401
        return {"sub": f"id-{user}", "preferred_username": user}

    return app


@pytest.fixture(scope="module")
def sso(demo):
    """(settings, app URL): the app configured for SSO with the provider running here."""
    settings = demo[0]
    provider_port, port = free_port(), free_port()
    issuer = f"http://127.0.0.1:{provider_port}"
    httpd = make_server("127.0.0.1", provider_port, provider_app(issuer), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    ensure_user(settings, "sso-office", "office")
    PROVIDER["redirect_uri"] = f"http://127.0.0.1:{port}/login/sso/callback"
    proc = start_app(settings, port, OPSCENTER_OIDC_ISSUER=issuer, OPSCENTER_OIDC_CLIENT_ID=CLIENT_ID,
                     OPSCENTER_OIDC_CLIENT_SECRET=CLIENT_SECRET)
    try:
        wait_for(f"http://127.0.0.1:{port}/login", proc, 60)
        yield settings, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.fixture(autouse=True)
def provider_defaults():
    PROVIDER.update(user="sso-office", secret=CLIENT_SECRET, signing_key=KEY)
    yield
    PROVIDER.update(user="sso-office", secret=CLIENT_SECRET, signing_key=KEY)


def signed_in(session: requests.Session, url: str) -> bool:
    status = session.get(f"{url}/_dash-layout", headers={"Accept": "application/json"}, timeout=30).status_code
    assert status in (200, 401), status
    return status == 200


def sso_flow(url: str) -> tuple[requests.Session, requests.Response]:
    """A new browser-like session that follows the sign-in page's SSO link to the end."""
    session = requests.Session()
    assert not signed_in(session, url)
    page = session.get(f"{url}/login", headers={"Accept": "text/html"}, timeout=30)
    link = re.search(r'href="([^"]+)" id="sign-in-sso"', page.text)
    assert link, "no SSO link on the sign-in page"
    return session, session.get(url + link.group(1).replace("&amp;", "&"), headers={"Accept": "text/html"},
                                timeout=30)


def audit_after(settings, last_id: int) -> list[dict]:
    from appdb import audit
    from appdb.engine import open_db

    db = open_db(settings.app_db)
    try:
        rows, _ = audit.read(db, action="sign_in", limit=1000)
    finally:
        db.dispose()
    return [row for row in rows if row["id"] > last_id]


def last_audit_id(settings) -> int:
    return max((row["id"] for row in audit_after(settings, 0)), default=0)


def test_login_page_offers_sso(sso):
    _, url = sso
    page = requests.get(f"{url}/login", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and 'id="sign-in-sso"' in page.text and 'href="/login/sso' in page.text


def test_sso_signs_in_an_active_local_account(sso):
    settings, url = sso
    before = last_audit_id(settings)
    session, response = sso_flow(url)
    assert response.status_code == 200, response.text[:500]
    assert not response.url.removeprefix(url).startswith("/login"), response.url
    assert [r.status_code for r in response.history][:3] == [302, 302, 302]  # app -> provider -> app -> home
    assert signed_in(session, url)
    entries = audit_after(settings, before)
    assert [(e["actor"], e["outcome"]) for e in entries] == [("sso-office", "ok")]
    assert "sso" in entries[0]["detail"]


def test_sso_without_a_local_account_is_refused(sso):
    settings, url = sso
    PROVIDER["user"] = "nobody-here"
    before = last_audit_id(settings)
    session, response = sso_flow(url)
    assert response.status_code == 403
    assert not signed_in(session, url)
    entries = audit_after(settings, before)
    assert [(e["outcome"], e["target"]) for e in entries] == [("failed", "nobody-here")]
    assert "nobody-here" in entries[0]["actor"] and "sso" in entries[0]["detail"]


def test_wrong_client_secret_is_refused(sso):
    settings, url = sso
    PROVIDER["secret"] = "not-the-app-secret"  # the app's configured secret is now the wrong one
    before = last_audit_id(settings)
    session, response = sso_flow(url)
    assert response.status_code == 401
    assert not signed_in(session, url)
    assert [e["outcome"] for e in audit_after(settings, before)] == ["failed"]


def test_forged_id_token_is_refused(sso):
    settings, url = sso
    PROVIDER["signing_key"] = RSAKey.generate_key(2048, parameters={"kid": "test-key"})  # same kid, other key
    before = last_audit_id(settings)
    session, response = sso_flow(url)
    assert response.status_code == 401
    assert not signed_in(session, url)
    assert [e["outcome"] for e in audit_after(settings, before)] == ["failed"]

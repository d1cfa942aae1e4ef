"""Single sign-on through an OpenID Connect provider (Authlib), when configured.

The provider says who the person is; this app still decides what they may do: the claim
``OPSCENTER_OIDC_USERNAME_CLAIM`` must name an active local account, whose role and unit
apply. A person without an account is refused (and logged), never created on the fly.
"""
from __future__ import annotations

import flask
import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from joserfc.errors import JoseError

from appdb import audit
from dashboard import screens
from dashboard.auth import accounts
from dashboard.auth.roles import for_user
from dashboard.auth.signin import db, ip, page_language, page_values, public, sign_in_as
from dashboard.i18n import t
from dashboard.navigation import safe_next


def init_app(server: flask.Flask, settings) -> None:
    oauth = OAuth(server)
    provider = oauth.register(
        "sso", client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None,
        server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email"})

    def refuse(key: str, status: int, **entry):
        audit.record(db(), "sign_in", outcome="failed", ip=ip(), detail={"via": "sso"}, **entry)
        language = page_language()
        return flask.render_template("auth/message.html", **page_values(language, message=t(key, language),
                                                                        home=False)), status

    @public
    def start():
        flask.session["sso_next"] = safe_next(flask.request.args.get("next"))
        return provider.authorize_redirect(f"{settings.base_url}/login/sso/callback")

    @public
    def callback():
        try:
            token = provider.authorize_access_token()
            claims = token.get("userinfo") or provider.userinfo(token=token)
        except (AuthlibBaseError, JoseError, ValueError, requests.RequestException) as exc:
            return refuse("auth.sso_failed", 401, actor="sso:?", target=str(exc)[:200])
        username = str(claims.get(settings.oidc_username_claim) or "").strip().lower()
        row = accounts.find(db(), username=username) if username else None
        if row is None or not row.active:
            return refuse("auth.sso_no_account", 403, actor=f"sso:{username or '?'}", target=username)
        target = flask.session.get("sso_next", "/")
        principal = for_user(row)
        sign_in_as(principal)
        audit.record(db(), "sign_in", actor=principal.label, target=username, ip=ip(), detail={"via": "sso"})
        return flask.redirect(target if target != "/" else screens.home(principal))

    server.add_url_rule("/login/sso", "sso_start", start)
    server.add_url_rule("/login/sso/callback", "sso_callback", callback)

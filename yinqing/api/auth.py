"""/api/auth: register, log in, log out, current user."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema, fields
from apiflask.validators import Length

from yinqing.api.auth_deps import auth, issue_token
from yinqing.api.deps import db_session
from yinqing.api.limiter import (
    address_username_key,
    configured,
    failed_login,
    limiter,
    record_failed_login,
    slow_down_targeted_login,
)
from yinqing.api.schemas import TokenOut, UserOut, user_json
from yinqing.services import accounts
from yinqing.services.errors import Unauthorized

bp = APIBlueprint("auth", __name__, url_prefix="/api/auth", tag="auth")


class RegisterIn(Schema):
    username = fields.String(required=True, validate=Length(3, 32))
    password = fields.String(required=True, validate=Length(8, 128))
    nickname = fields.String(validate=Length(1, 64))


class LoginIn(Schema):
    username = fields.String(required=True, validate=Length(1, 64))
    password = fields.String(required=True, validate=Length(1, 128))


@bp.post("/register")
@limiter.limit(configured("register_rate_limit"))
@bp.input(RegisterIn, arg_name="body")
@bp.output(TokenOut, status_code=201)
@bp.doc(summary="Create an account and log in", responses=[409, 429])
def register(body):
    session = db_session()
    user = accounts.register_user(session, body["username"], body["password"], body.get("nickname"))
    session.commit()
    return {"token": issue_token(user), "user": user_json(user)}


@bp.post("/login")
# Failed attempts count per address and per (address, username): an attacker is refused (429), while
# the owner logging in from elsewhere is not. Per username alone they only slow logins down.
@limiter.limit(configured("login_address_rate_limit"), deduct_when=failed_login)
@limiter.limit(configured("login_rate_limit"), key_func=address_username_key, deduct_when=failed_login)
@bp.input(LoginIn, arg_name="body")
@bp.output(TokenOut)
@bp.doc(summary="Log in with username and password", responses=[401, 429])
def login(body):
    slow_down_targeted_login(body["username"])
    session = db_session()
    try:
        user = accounts.authenticate(session, body["username"], body["password"])
    except Unauthorized:
        record_failed_login(body["username"])
        raise
    session.commit()
    return {"token": issue_token(user), "user": user_json(user)}


@bp.post("/logout")
@bp.auth_required(auth)
@bp.output({}, status_code=204)
@bp.doc(summary="Revoke every token of the current user")
def logout():
    session = db_session()
    user = session.merge(auth.current_user)
    accounts.revoke_tokens(user)
    session.commit()
    return ""


@bp.get("/me")
@bp.auth_required(auth)
@bp.output(UserOut)
@bp.doc(summary="The current user")
def me():
    return user_json(auth.current_user)

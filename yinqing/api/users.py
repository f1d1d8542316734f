"""/api/users: profile, password, avatar."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema, fields
from apiflask.validators import Length
from flask import send_file

from yinqing.api.auth_deps import auth, issue_token
from yinqing.api.deps import db_session, settings
from yinqing.api.limiter import configured, limiter, user_key
from yinqing.api.schemas import UserOut, user_json
from yinqing.services import accounts

bp = APIBlueprint("users", __name__, url_prefix="/api/users", tag="users")


class ProfileIn(Schema):
    nickname = fields.String(validate=Length(1, 64))
    bio = fields.String(validate=Length(0, 500))


class PasswordIn(Schema):
    old_password = fields.String(required=True, validate=Length(1, 128))
    new_password = fields.String(required=True, validate=Length(8, 128))


class PasswordOut(Schema):
    token = fields.String()


class AvatarIn(Schema):
    file = fields.File(required=True)


class PublicUserOut(Schema):
    id = fields.Integer()
    nickname = fields.String()
    avatar_url = fields.String(allow_none=True)


def _editable_user(user_id: int | None):
    """The user to change: the caller, or (for admins) the user named in the URL."""
    session = db_session()
    actor = auth.current_user
    target = accounts.get_user(session, actor.id if user_id is None else user_id)
    accounts.check_can_edit(actor, target)
    return session, target


@bp.patch("/me")
@bp.auth_required(auth)
@bp.input(ProfileIn, arg_name="body")
@bp.output(UserOut)
@bp.doc(summary="Edit the current user's nickname and bio")
def update_me(body):
    return _update_profile(None, body)


@bp.patch("/<int:user_id>")
@bp.auth_required(auth)
@bp.input(ProfileIn, arg_name="body")
@bp.output(UserOut)
@bp.doc(summary="Edit a user's profile (yourself, or anyone for admins)", responses=[403, 404])
def update_user(user_id, body):
    return _update_profile(user_id, body)


def _update_profile(user_id: int | None, body: dict) -> dict:
    session, user = _editable_user(user_id)
    accounts.update_profile(user, body.get("nickname"), body.get("bio"))
    session.commit()
    return user_json(user)


@bp.post("/me/password")
@limiter.limit(configured("password_rate_limit"), key_func=user_key)  # else an unlimited oracle for the old password
@bp.auth_required(auth)
@bp.input(PasswordIn, arg_name="body")
@bp.output(PasswordOut)
@bp.doc(summary="Change password (needs the old one); returns a new token, older tokens stop working",
        responses=[429])
def change_password(body):
    session, user = _editable_user(None)
    accounts.change_password(user, body["old_password"], body["new_password"])
    session.commit()
    return {"token": issue_token(user)}


@bp.post("/me/avatar")
@bp.auth_required(auth)
@bp.input(AvatarIn, location="files", arg_name="form")
@bp.output(UserOut)
@bp.doc(summary="Upload an avatar (PNG/JPEG/WebP, at most 2 MB); stored as a 256x256 PNG")
def upload_avatar(form):
    session, user = _editable_user(None)
    png = accounts.make_avatar(form["file"].read(accounts.AVATAR_MAX_BYTES + 1))
    avatar_dir = settings().avatar_dir
    with accounts.avatar_lock(avatar_dir):
        # A fresh transaction, so the old file name read below is the latest committed one even on
        # MariaDB (repeatable read) and another upload of this user cannot have replaced it unseen.
        session.rollback()
        old = accounts.store_avatar(user, png, avatar_dir)
        new = user.avatar_path
        try:
            session.commit()
        except Exception:
            accounts.remove_avatar_file(avatar_dir, new)
            raise
        accounts.remove_avatar_file(avatar_dir, old)
    return user_json(user)


@bp.get("/<int:user_id>")
@bp.output(PublicUserOut)
@bp.doc(summary="A user's public profile", responses=[404])
def get_user(user_id):
    user = accounts.get_user(db_session(), user_id)
    return user_json(user)


@bp.get("/<int:user_id>/avatar")
@bp.doc(summary="A user's avatar image (PNG)",
        responses={200: {"description": "PNG image", "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}},
                   404: "Not Found"})
def get_avatar(user_id):
    user = accounts.get_user(db_session(), user_id)
    path = accounts.avatar_file(user, settings().avatar_dir)
    return send_file(path, mimetype="image/png", max_age=86400)

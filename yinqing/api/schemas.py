"""Response/request schemas shared by several blueprints."""

from __future__ import annotations

from datetime import UTC

from apiflask import Schema, fields


class UtcDateTime(fields.DateTime):
    """A stored naive-UTC datetime sent with its zone ("…+00:00"), as OpenAPI date-time requires."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    nickname = fields.String()
    bio = fields.String()
    role = fields.String()
    avatar_url = fields.String(allow_none=True)
    created_at = UtcDateTime()


class TokenOut(Schema):
    token = fields.String()
    user = fields.Nested(UserOut)


class ErrorOut(Schema):
    code = fields.Integer()
    message = fields.String()
    errors = fields.Dict()


def user_json(user) -> dict:
    """Serialise a user; never includes the password hash or token version."""
    avatar = f"/api/users/{user.id}/avatar?v={user.avatar_path.split('-')[-1][:16]}" if user.avatar_path else None
    return {"id": user.id, "username": user.username, "nickname": user.nickname, "bio": user.bio or "",
            "role": user.role, "avatar_url": avatar, "created_at": user.created_at}

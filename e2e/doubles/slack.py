"""SlackDouble: a stateful local double of the Slack Web API methods the slack provider calls.

pablovarela/terraform-provider-slack v1.2.2 (slack/resource_conversation.go, through slack-go
v0.12.2 conversation.go, auth.go, users.go) manages a `slack_conversation` with:
`conversations.create` (and, on `name_taken` with adopt_existing_channel, `conversations.list`
paged by cursor with exclude_archived, then `conversations.unarchive`), `conversations.info`,
`auth.test`, `conversations.members`, `conversations.join`, `conversations.kick`,
`conversations.invite`, `conversations.setTopic`, `conversations.setPurpose`,
`conversations.rename` and `conversations.archive`. `users.lookupByEmail` (the user data source)
is answered too.

Requests are POST /api/<method> with a form-encoded body (slack-go's postMethod); the token is the
`token` form field (or an `Authorization: Bearer` header). It is never recorded: the request log
says whether one was present. Every answer is HTTP 200 with `{"ok": true, ...}` or
`{"ok": false, "error": "<code>"}` as Slack answers (the error codes of api.slack.com/methods);
a method the double does not implement is HTTP 501 naming it, and kept in `unimplemented`.

The provider has no URL setting: the e2e proxy routes Host slack.com here, path unchanged.

State: `channels` (id -> channel as conversations.info returns it, plus `members`), `users`
(id -> user). `seed_channel(...)` and `seed_user(...)` add what a workspace already has;
`state()` returns a deep copy. Ids are counters (C0000000001…), timestamps come from `clock`.
"""

import base64
import copy
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from e2e.doubles._double import FIXED_NOW, LocalDouble, Reply, Request

TEAM_ID = "T0000E2E0"
BOT_USER_ID = "U0000BOT0"
# Slack's channel names: lowercase letters, digits, '-' and '_' (plus some non-Latin letters,
# not modelled), at most 80 characters (api.slack.com/methods/conversations.create).
CHANNEL_NAME = re.compile(r"[a-z0-9_\-]{1,80}")
MAX_TOPIC = 250
MAX_LIST_LIMIT = 1000
DEFAULT_LIST_LIMIT = 100


class _SlackError(Exception):
    """An `{"ok": false, "error": code}` answer."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class SlackDouble(LocalDouble):
    """Local Slack Web API at `url` + '/api/<method>'; see the module docstring."""

    def __init__(self, clock: Callable[[], datetime] = lambda: FIXED_NOW) -> None:
        super().__init__()
        self._clock = clock
        self._counter = 0
        self.channels: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {
            BOT_USER_ID: {"id": BOT_USER_ID, "name": "pantheon-oncall", "email": None}
        }
        self._methods: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "conversations.create": self._create,
            "conversations.info": self._info,
            "conversations.list": self._list,
            "conversations.members": self._members,
            "conversations.join": self._join,
            "conversations.invite": self._invite,
            "conversations.kick": self._kick,
            "conversations.setTopic": lambda form: self._set_text(form, "topic"),
            "conversations.setPurpose": lambda form: self._set_text(form, "purpose"),
            "conversations.rename": self._rename,
            "conversations.archive": self._archive,
            "conversations.unarchive": self._unarchive,
            "users.lookupByEmail": self._lookup_by_email,
        }

    # -- seeding and inspection ---------------------------------------------------------------

    def seed_channel(
        self,
        name: str,
        *,
        private: bool = False,
        archived: bool = False,
        topic: str = "",
        purpose: str = "",
        members: tuple[str, ...] = (),
        creator: str = "U0000HUMAN",
    ) -> str:
        """A channel that exists before the deploy (created by someone else); returns its id."""
        with self._lock:
            channel = self._new_channel(name, private, creator)
            channel["is_archived"] = archived
            channel["topic"]["value"] = topic
            channel["purpose"]["value"] = purpose
            channel["members"] = [creator, *members]
            return str(channel["id"])

    def seed_user(self, user_id: str, email: str, name: str) -> None:
        """A workspace member (for invites and users.lookupByEmail)."""
        with self._lock:
            self.users[user_id] = {"id": user_id, "name": name, "email": email.lower()}

    def state(self) -> dict[str, Any]:
        """A deep copy of the channels and users."""
        with self._lock:
            return copy.deepcopy({"channels": self.channels, "users": self.users})

    # -- HTTP ---------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """/api/<method>, form-encoded; unknown methods and paths are 501."""
        form = {key: values[-1] for key, values in request.query.items()}
        if request.body:
            body = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
            form.update({key: values[-1] for key, values in body.items()})
        token = form.pop("token", "") or _bearer(request.headers.get("authorization", ""))
        method = request.path.removeprefix("/api/") if request.path.startswith("/api/") else ""
        record: dict[str, Any] = {"api_method": method, "token": bool(token)}
        handler = self._methods.get(method)
        if handler is None or request.method not in ("POST", "GET"):
            reply = self.not_implemented(request, method or request.path)
            reply.record.update(record)
            return reply
        try:
            if not token:
                raise _SlackError("not_authed")
            answer = {"ok": True, **handler(form)}
        except _SlackError as error:
            answer = {"ok": False, "error": error.code}
        record.update(ok=answer["ok"], error=answer.get("error"))
        return Reply(200, answer, record)

    # -- helpers ------------------------------------------------------------------------------

    def _now(self) -> int:
        return int(self._clock().timestamp())

    def _new_channel(self, name: str, private: bool, creator: str) -> dict[str, Any]:
        self._counter += 1
        channel_id = f"{'G' if private else 'C'}{self._counter:010d}"
        channel = {
            "id": channel_id,
            "name": name,
            "name_normalized": name,
            "is_channel": not private,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": private,
            "created": self._now(),
            "creator": creator,
            "is_archived": False,
            "is_general": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "unlinked": 0,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "members": [creator],
        }
        self.channels[channel_id] = channel
        return channel

    def _channel(self, form: dict[str, str]) -> dict[str, Any]:
        channel = self.channels.get(form.get("channel", ""))
        if channel is None:
            raise _SlackError("channel_not_found")
        return channel

    def _view(self, channel: dict[str, Any], num_members: bool = False) -> dict[str, Any]:
        """The channel as the API shows it to the bot (`members` is not part of it)."""
        view = {k: copy.deepcopy(v) for k, v in channel.items() if k != "members"}
        view["is_member"] = BOT_USER_ID in channel["members"]
        if num_members:
            view["num_members"] = len(channel["members"])
        return view

    def _check_name(self, name: str, skip_id: str | None = None) -> None:
        if not name:
            raise _SlackError("invalid_name_required")
        if len(name) > 80:
            raise _SlackError("invalid_name_maxlength")
        if not CHANNEL_NAME.fullmatch(name):
            raise _SlackError("invalid_name_specials")
        # An archived channel keeps its name: Slack refuses it too.
        if any(c["name"] == name and c["id"] != skip_id for c in self.channels.values()):
            raise _SlackError("name_taken")

    # -- methods ------------------------------------------------------------------------------

    def _auth_test(self, form: dict[str, str]) -> dict[str, Any]:
        return {
            "url": "https://e2e.slack.test/",
            "team": "E2E",
            "user": "pantheon-oncall",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": "B0000BOT0",
            "is_enterprise_install": False,
        }

    def _create(self, form: dict[str, str]) -> dict[str, Any]:
        name = form.get("name", "")
        self._check_name(name)
        private = form.get("is_private", "false").lower() in ("true", "1")
        channel = self._new_channel(name, private, BOT_USER_ID)
        return {"channel": self._view(channel)}

    def _info(self, form: dict[str, str]) -> dict[str, Any]:
        channel = self._channel(form)
        if channel["is_private"] and BOT_USER_ID not in channel["members"]:
            raise _SlackError("channel_not_found")
        wants_count = form.get("include_num_members", "false").lower() in ("true", "1")
        return {"channel": self._view(channel, wants_count)}

    def _list(self, form: dict[str, str]) -> dict[str, Any]:
        types = set(filter(None, form.get("types", "public_channel").split(",")))
        unknown = types - {"public_channel", "private_channel"}
        if unknown:
            raise _SlackError("invalid_types")
        exclude_archived = form.get("exclude_archived", "false").lower() in ("true", "1")
        limit = _int(form.get("limit"), DEFAULT_LIST_LIMIT)
        limit = DEFAULT_LIST_LIMIT if limit <= 0 else min(limit, MAX_LIST_LIMIT)
        start = _offset(form.get("cursor", ""))
        visible = [
            c
            for c in self.channels.values()
            if ("private_channel" if c["is_private"] else "public_channel") in types
            and not (exclude_archived and c["is_archived"])
            and (not c["is_private"] or BOT_USER_ID in c["members"])
        ]
        page = visible[start : start + limit]
        more = start + limit < len(visible)
        return {
            "channels": [self._view(c) for c in page],
            "response_metadata": {"next_cursor": _cursor(start + limit) if more else ""},
        }

    def _members(self, form: dict[str, str]) -> dict[str, Any]:
        channel = self._channel(form)
        limit = _int(form.get("limit"), DEFAULT_LIST_LIMIT)
        limit = DEFAULT_LIST_LIMIT if limit <= 0 else min(limit, MAX_LIST_LIMIT)
        start = _offset(form.get("cursor", ""))
        members = channel["members"]
        more = start + limit < len(members)
        return {
            "members": members[start : start + limit],
            "response_metadata": {"next_cursor": _cursor(start + limit) if more else ""},
        }

    def _join(self, form: dict[str, str]) -> dict[str, Any]:
        channel = self._channel(form)
        if channel["is_archived"]:
            raise _SlackError("is_archived")
        if channel["is_private"]:
            raise _SlackError("method_not_supported_for_channel_type")
        answer: dict[str, Any] = {}
        if BOT_USER_ID in channel["members"]:
            answer["warning"] = "already_in_channel"
            answer["response_metadata"] = {"warnings": ["already_in_channel"]}
        else:
            channel["members"].append(BOT_USER_ID)
        return {"channel": self._view(channel), **answer}

    def _invite(self, form: dict[str, str]) -> dict[str, Any]:
        channel = self._channel(form)
        if channel["is_archived"]:
            raise _SlackError("is_archived")
        users = [u for u in form.get("users", "").split(",") if u]
        if not users:
            raise _SlackError("no_user")
        if BOT_USER_ID in users:
            raise _SlackError("cant_invite_self")
        if any(u not in self.users for u in users):
            raise _SlackError("user_not_found")
        if all(u in channel["members"] for u in users):
            raise _SlackError("already_in_channel")
        channel["members"].extend(u for u in users if u not in channel["members"])
        return {"channel": self._view(channel)}

    def _kick(self, form: dict[str, str]) -> dict[str, Any]:
        channel = self._channel(form)
        user = form.get("user", "")
        if user == BOT_USER_ID:
            raise _SlackError("cant_kick_self")
        if user not in channel["members"]:
            raise _SlackError("not_in_channel")
        channel["members"].remove(user)
        return {}

    def _set_text(self, form: dict[str, str], which: str) -> dict[str, Any]:
        channel = self._channel(form)
        if channel["is_archived"]:
            raise _SlackError("is_archived")
        if BOT_USER_ID not in channel["members"]:
            raise _SlackError("not_in_channel")
        value = form.get(which, "")
        if len(value) > MAX_TOPIC:
            raise _SlackError("too_long")
        channel[which] = {"value": value, "creator": BOT_USER_ID, "last_set": self._now()}
        return {"channel": self._view(channel)}

    def _rename(self, form: dict[str, str]) -> dict[str, Any]:
        channel = self._channel(form)
        name = form.get("name", "")
        if name == channel["name"]:
            return {"channel": self._view(channel)}
        self._check_name(name, skip_id=channel["id"])
        channel["name"] = channel["name_normalized"] = name
        return {"channel": self._view(channel)}

    def _archive(self, form: dict[str, str]) -> dict[str, Any]:
        channel = self._channel(form)
        if channel["is_general"]:
            raise _SlackError("cant_archive_general")
        if channel["is_archived"]:
            raise _SlackError("already_archived")
        channel["is_archived"] = True
        return {}

    def _unarchive(self, form: dict[str, str]) -> dict[str, Any]:
        channel = self._channel(form)
        if not channel["is_archived"]:
            raise _SlackError("not_archived")
        channel["is_archived"] = False
        return {}

    def _lookup_by_email(self, form: dict[str, str]) -> dict[str, Any]:
        email = form.get("email", "").lower()
        for user in self.users.values():
            if user["email"] == email and email:
                return {
                    "user": {
                        "id": user["id"],
                        "name": user["name"],
                        "team_id": TEAM_ID,
                        "profile": {"email": email, "real_name": user["name"]},
                    }
                }
        raise _SlackError("users_not_found")


def _bearer(header: str) -> str:
    return header[len("Bearer ") :] if header.startswith("Bearer ") else ""


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


def _cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: str) -> int:
    """The offset an opaque cursor stands for; a cursor the double never gave is invalid."""
    if not cursor:
        return 0
    try:
        text = base64.b64decode(cursor, validate=True).decode()
    except ValueError:
        raise _SlackError("invalid_cursor") from None
    match = re.fullmatch(r"offset:(\d{1,9})", text)
    if match is None:
        raise _SlackError("invalid_cursor")
    return int(match.group(1))

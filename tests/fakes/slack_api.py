"""A local fake of the Slack Web API (and Socket Mode) on 127.0.0.1, plus a client that
sends requests to an app exactly as Slack signs them.

The fake records every call; `rate_limit(method, seconds)` makes the next call of a
method answer 429 with Retry-After, `fail(method, error)` makes it answer ok=false.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
SIGNING_SECRET = "test-signing-secret"
TEAM_ID = "T0TEAM"
BOT_USER = "UBOT0001"
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str = ""


@dataclass
class FakeSlack:
    bot_token: str = BOT_TOKEN
    app_token: str = APP_TOKEN
    team_id: str = TEAM_ID
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._limits: dict[str, list[float | None]] = {}
        self._errors: dict[str, list[tuple[str, int]]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.socket: web.WebSocketResponse | None = None
        self._socket_ready = asyncio.Event()
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}

    # -- set-up --------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        locale: str = "en-US",
        tz: str = "Europe/Moscow",
        guest: bool = False,
    ) -> None:
        self.users[user_id] = {
            "is_restricted": guest,  # a multi-channel guest of the workspace
            "id": user_id,
            "team_id": self.team_id,
            "name": name.lower(),
            "real_name": name,
            "tz": tz,
            "locale": locale,
            "profile": {"display_name": name, "real_name": name},
        }

    def rate_limit(self, method: str, seconds: float, after: int = 0) -> None:
        """The next call of `method` (or the one after `after` that succeed) gets 429."""
        self._limits.setdefault(method, []).extend([*([None] * after), seconds])

    def fail(self, method: str, error: str, status: int = 200) -> None:
        self._errors.setdefault(method, []).append((error, status))

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def start(self) -> FakeSlack:
        application = web.Application(client_max_size=50 * 1024 * 1024)
        application.router.add_route("*", "/api/{method}", self._api)
        application.router.add_post("/upload/{file_id}", self._upload)
        application.router.add_post("/response/{key}", self._response)
        application.router.add_get("/files/{name}", self._file)
        application.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(application)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self.socket is not None and not self.socket.closed:
            await self.socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what happened -------------------------------------------------------------

    def of(self, method: str) -> list[dict[str, Any]]:
        return [call.args for call in self.calls if call.method == method]

    def posted(self) -> list[dict[str, Any]]:
        """Every message shown to people: posts, ephemerals, updates, response_url."""
        kinds = ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url")
        return [call.args for call in self.calls if call.method in kinds]

    def texts(self) -> list[str]:
        return [message_text(args) for args in self.posted()]

    def last_buttons(self) -> dict[str, str]:
        """label -> value of the buttons of the last message that had any."""
        for args in reversed(self.posted()):
            found = buttons_of(args.get("blocks") or [])
            if found:
                return found
        return {}

    # -- the Web API -----------------------------------------------------------------

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            kind = request.content_type
            if kind == "application/json":
                args.update(await request.json())
            elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    args[key] = value if isinstance(value, str) else value.file.read()
        for key in ("blocks", "view", "files", "attachments"):
            if isinstance(args.get(key), str):
                try:
                    args[key] = json.loads(args[key])
                except ValueError:
                    pass
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip() or str(args.pop("token", ""))
        self.calls.append(Call(method, args, token))
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        limits = self._limits.get(method)
        seconds = limits.pop(0) if limits else None
        if seconds is not None:
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(int(seconds))},
            )
        errors = self._errors.get(method)
        if errors:
            error, status = errors.pop(0)
            return web.json_response({"ok": False, "error": error}, status=status)
        return web.json_response(self._answer(method, args))

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return ok | {
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "planerka",
                "team_id": self.team_id,
                "user_id": BOT_USER,
                "bot_id": "BBOT0001",
            }
        if method in ("chat.postMessage", "chat.update"):
            ts = args.get("ts") or f"{1700000000 + next(self._ts)}.000100"
            return ok | {"channel": args.get("channel"), "ts": ts, "message": {"ts": ts}}
        if method == "chat.postEphemeral":
            return ok | {"message_ts": f"{1700000000 + next(self._ts)}.000200"}
        if method in ("views.open", "views.update", "views.publish", "views.push"):
            view = dict(args.get("view") or {})
            view["id"] = f"V{next(self._ids):06d}"
            return ok | {"view": view}
        if method == "chat.getPermalink":
            ts = str(args.get("message_ts") or "").replace(".", "")
            return ok | {
                "channel": args.get("channel"),
                "permalink": f"https://test.slack.com/archives/{args.get('channel')}/p{ts}",
            }
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return ok | {"user": user}
        if method == "conversations.open":
            users = str(args.get("users") or "")
            return ok | {"channel": {"id": "D" + users.lstrip("UW")}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ids):06d}"
            return ok | {"upload_url": self.url(f"/upload/{file_id}"), "file_id": file_id}
        if method == "files.completeUploadExternal":
            return ok | {"files": [{"id": f.get("id")} for f in args.get("files") or []]}
        if method == "files.upload":
            return ok | {"file": {"id": f"F{next(self._ids):06d}"}}
        if method == "conversations.kick":
            return ok
        if method == "apps.connections.open":
            return ok | {"url": f"ws://127.0.0.1:{self.port}/socket"}
        return {"ok": False, "error": "unknown_method"}

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK")

    async def _response(self, request: web.Request) -> web.Response:
        args = await request.json()
        args["key"] = request.match_info["key"]
        self.calls.append(Call("response_url", args))
        return web.Response(text="ok")

    async def _file(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if request.headers.get("Authorization") != f"Bearer {self.bot_token}":
            return web.Response(text="<html>sign in</html>", content_type="text/html")
        if name not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[name], content_type="application/octet-stream")

    # -- Socket Mode -------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {}})
        self._socket_ready.set()
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            future = self._acks.pop(str(data.get("envelope_id")), None)
            if future is not None and not future.done():
                future.set_result(data)
        return ws

    async def wait_socket(self) -> None:
        await asyncio.wait_for(self._socket_ready.wait(), 10.0)

    async def envelope(
        self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0
    ) -> dict[str, Any]:
        """Send one envelope over the socket; returns the app's ack."""
        assert self.socket is not None, "no Socket Mode connection"
        envelope_id = uuid.uuid4().hex
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = future
        await self.socket.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": retry_attempt,
                "retry_reason": "timeout" if retry_attempt else "",
            }
        )
        return await asyncio.wait_for(future, 10.0)


# -- reading what the app sent -----------------------------------------------------------


def message_text(args: dict[str, Any]) -> str:
    """The mrkdwn of a message's sections (or its text when it has no blocks)."""
    blocks = args.get("blocks") or []
    parts = [b["text"]["text"] for b in blocks if b.get("type") == "section" and b.get("text")]
    return "\n".join(parts) if parts else str(args.get("text") or "")


def buttons_of(blocks: list[dict[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for block in blocks:
        if block.get("type") == "actions":
            for element in block.get("elements", []):
                out[element["text"]["text"]] = element["value"]
    return out


# -- payloads as Slack sends them ------------------------------------------------------------


def sign(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    body: str, content_type: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(secret, ts, body),
    }


def form_body(payload: dict[str, Any]) -> str:
    """Interactive payloads travel as form field `payload` with JSON in it."""
    return urlencode({"payload": json.dumps(payload)})


def slash_command(
    text: str,
    *,
    user: str,
    channel: str = "C0GENERAL",
    command: str = "/planerka",
    team: str = TEAM_ID,
    response_url: str = "",
) -> dict[str, str]:
    return {
        "token": "legacy",
        "team_id": team,
        "team_domain": "test",
        "channel_id": channel,
        "channel_name": "directmessage" if channel.startswith("D") else "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0APP",
        "response_url": response_url,
        "trigger_id": f"trigger.{uuid.uuid4().hex[:12]}",
    }


def block_action(
    value: str,
    *,
    user: str,
    channel: str = "C0GENERAL",
    message_ts: str = "1700000001.000100",
    team: str = TEAM_ID,
    ephemeral: bool = False,
    response_url: str = "",
    home: bool = False,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": "A0APP",
        "trigger_id": f"trigger.{uuid.uuid4().hex[:12]}",
        "actions": [
            {
                "type": "button",
                "action_id": "pl0",
                "block_id": "b1",
                "value": value,
                "action_ts": str(time.time()),
            }
        ],
    }
    if home:
        payload["container"] = {"type": "view", "view_id": "VHOME"}
        payload["view"] = {"id": "VHOME", "type": "home", "blocks": []}
    else:
        payload["container"] = {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        }
        payload["channel"] = {"id": channel, "name": "general"}
        payload["message"] = {"ts": message_ts, "text": ""}
        payload["response_url"] = response_url
    return payload


def view_submission(
    opened: dict[str, Any], values: dict[str, str], *, user: str, team: str = TEAM_ID
) -> dict[str, Any]:
    """What Slack sends when a person submits a modal opened with `opened` (views.open's view).

    A value matching an option of a select picks it, a Slack user id picks that user in a
    users_select; otherwise it is typed into the text input under the select (block
    `NAME__typed`), if the modal has one.
    """
    state: dict[str, Any] = {}
    unpicked: set[str] = set()
    for block in opened.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        block_id = block["block_id"]
        raw = values.get(block_id)
        if block_id.endswith("__typed") and raw is None:
            base = block_id.removesuffix("__typed")
            raw = values.get(base) if base in unpicked else None
        if element["type"] == "static_select":
            chosen = None
            for option in element["options"]:
                if raw is not None and raw in (option["value"], option["text"]["text"]):
                    chosen = option
            if chosen is None and raw:
                unpicked.add(block_id)
            state[block_id] = {
                element["action_id"]: {"type": "static_select", "selected_option": chosen}
            }
        elif element["type"] == "users_select":
            user_id = raw if raw and re.fullmatch(r"[UW][A-Z0-9]{2,20}", raw) else None
            if raw and user_id is None:
                unpicked.add(block_id)
            state[block_id] = {
                element["action_id"]: {"type": "users_select", "selected_user": user_id}
            }
        else:
            state[block_id] = {element["action_id"]: {"type": "plain_text_input", "value": raw}}
    return {
        "type": "view_submission",
        "team": {"id": team, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "api_app_id": "A0APP",
        "trigger_id": f"trigger.{uuid.uuid4().hex[:12]}",
        "view": {
            # as Slack: a modal keeps its id and hash until it is updated, so a submission
            # corrected after an errors answer carries the same ones
            "id": opened.setdefault("_view_id", f"V{uuid.uuid4().hex[:8].upper()}"),
            "hash": opened.setdefault("_view_hash", uuid.uuid4().hex[:10]),
            "type": "modal",
            "callback_id": opened.get("callback_id"),
            "private_metadata": opened.get("private_metadata", ""),
            "state": {"values": state},
            "blocks": opened.get("blocks", []),
        },
    }


def message_shortcut(
    callback_id: str, text: str, *, user: str, channel: str = "C0GENERAL", team: str = TEAM_ID
) -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "team": {"id": team, "domain": "test"},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "channel": {"id": channel, "name": "general"},
        "message": {"type": "message", "user": user, "ts": "1700000000.000001", "text": text},
        "trigger_id": f"trigger.{uuid.uuid4().hex[:12]}",
        "response_url": "",
    }


def event_callback(
    event: dict[str, Any], *, team: str = TEAM_ID, event_id: str | None = None
) -> dict[str, Any]:
    return {
        "token": "legacy",
        "team_id": team,
        "api_app_id": "A0APP",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}],
    }


def dm_message(text: str, *, user: str, ts: str | None = None) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": "D" + user.lstrip("UW"),
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts or f"{time.time():.6f}",
    }

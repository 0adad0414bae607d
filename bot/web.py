"""The bot's web server: private iCal subscription feeds at /ics/<secret>.ics that
Google Calendar or Outlook poll (the secret is checked against its stored hash), and
the CRM's lead pages at /f/<token>: a form whose submissions become leads.

Lead pages are public: every string on them is escaped, a request body is at most
16 KB (a bigger one gets the form again, with a sentence in the team's language), a field
too long to keep whole is refused on the form, never cut; a hidden field catches form-filling robots, and one address may send a form
at most a few times a minute (refused tries do not count). A body is read in the
charset its Content-Type names, or the one a browser puts in a `_charset_` field (a
site's own copy of the form, posted with accept-charset), and in UTF-8 otherwise; a
body that charset cannot read is refused, never stored garbled. A send that is taken is
answered with a redirect to the thank-you page (Post/Redirect/Get: a reload does not
send it again). The page is drawn with a one-off token in a hidden field: the same send
again (a double click, a browser's retry), after a restart or on another process, is
thanked for and recorded once (services.crm_forms keeps the taken sends' keys)."""

from __future__ import annotations

import asyncio
import codecs
import time
from collections import deque
from html import escape
from urllib.parse import parse_qsl, urlparse

import structlog
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from handlers import crm_forms as form_pages
from handlers.i18n import Translator, translator
from services import calendar_feed, crm_forms
from services.teams import normalize_locale

log = structlog.get_logger(__name__)
SESSIONS: web.AppKey[async_sessionmaker[AsyncSession]] = web.AppKey("sessions")
HOST: web.AppKey[str] = web.AppKey("host")


async def ics_feed(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if not name.endswith(".ics"):
        raise web.HTTPNotFound()
    token = name[: -len(".ics")]
    async with request.app[SESSIONS]() as session, session.begin():
        text = await calendar_feed.feed_text(session, token, host=request.app[HOST])
    if text is None:
        # the same answer for a wrong and a revoked secret
        raise web.HTTPNotFound()
    return web.Response(
        body=text.encode(),
        content_type="text/calendar",
        charset="utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


FORM_BODY_LIMIT = 16 * 1024
SENDS_PER_MINUTE = 5  # from one address to one form
LIMITS: web.AppKey[dict[tuple[str, str], deque[float]]] = web.AppKey("limits")
HONEYPOT = "website"  # hidden from people; robots fill every field
CHARSET_FIELD = "_charset_"  # a browser fills it with the charset it sent the form in
SEND_FIELD = "_send"  # the page's one-off token: the same send again is recognised by it

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#222}}
label{{display:block;margin-top:1rem;font-weight:600}}
input,textarea{{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}}
textarea{{min-height:6rem}} .error{{color:#b00020;font-weight:400}}
button{{margin-top:1.5rem;padding:.6rem 1.4rem;font:inherit}} .hp{{position:absolute;left:-9999px}}
</style></head><body>
<h1>{title}</h1>
{body}
</body></html>"""


def _page(tr: Translator, title: str, body: str, status: int = 200) -> web.Response:
    html = PAGE.format(lang=tr.lang, title=escape(title), body=body)
    return web.Response(
        text=html,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers={
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
            "form-action 'self'",
            "Referrer-Policy": "no-referrer",
        },
    )


def _form_html(
    tr: Translator, intro: str, values: dict[str, str], errors: dict[str, str], once: str
) -> str:
    """The form; `once`: the send token it carries (a new page's, or the one the refused
    send came with, so that the corrected send is still one send)."""

    def field(name: str, label: str, kind: str = "text") -> str:
        value = escape(values.get(name, ""), quote=True)
        error = errors.get(name)
        note = f' <span class="error">{escape(tr.s(error))}</span>' if error else ""
        most = crm_forms.FIELD_MAX[name]
        if kind == "textarea":
            control = f'<textarea id="{name}" name="{name}" maxlength="{most}">{value}</textarea>'
        else:
            control = (
                f'<input id="{name}" name="{name}" type="{kind}" maxlength="{most}" '
                f'value="{value}">'
            )
        return f'<label for="{name}">{escape(label)}{note}</label>{control}'

    intro_html = "".join(f"<p>{escape(line)}</p>" for line in intro.splitlines() if line.strip())
    send = escape(tr.s("Send"))
    return (
        f'{intro_html}<form method="post">'
        + field("name", tr.s("Your name"))
        + field("phone", tr.s("Phone"), "tel")
        + field("email", tr.s("E-mail"), "email")
        + field("message", tr.s("Message"), "textarea")
        + f'<input type="hidden" name="{CHARSET_FIELD}">'
        + f'<input type="hidden" name="{SEND_FIELD}" value="{escape(once, quote=True)}">'
        + f'<div class="hp"><input name="{HONEYPOT}" tabindex="-1" autocomplete="off"></div>'
        + f'<button type="submit">{send}</button></form>'
    )


def _visitor_locale(request: web.Request) -> str:
    """The language the visitor's browser asks for first, of those we speak (a page
    with no team to speak for: a wrong or closed form's)."""
    for part in request.headers.get("Accept-Language", "").split(","):
        spoken = normalize_locale(part.split(";", 1)[0].strip(), "")
        if spoken:
            return spoken
    return normalize_locale(None)


def _sender_address(request: web.Request) -> str:
    """The visitor's address: behind a reverse proxy on this machine (the default set-up,
    the server listening on 127.0.0.1) the one the proxy names last in X-Forwarded-For."""
    remote = request.remote or "?"
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and remote in ("127.0.0.1", "::1"):
        return forwarded.split(",")[-1].strip() or remote
    return remote


def _too_often(request: web.Request, token: str) -> bool:
    """A few sends a minute from one address to one form; more waits. Only sends that
    were taken count (see `_count_send`)."""
    key = (_sender_address(request), token)
    now = time.monotonic()
    sent = request.app[LIMITS].get(key)
    while sent and sent[0] < now - 60:
        sent.popleft()
    return sent is not None and len(sent) >= SENDS_PER_MINUTE


def _count_send(request: web.Request, token: str) -> None:
    now = time.monotonic()
    limits = request.app[LIMITS]
    limits.setdefault((_sender_address(request), token), deque()).append(now)
    if len(limits) > 10_000:  # forget idle addresses
        for stale in [k for k, v in limits.items() if not v or v[-1] < now - 60]:
            del limits[stale]


def _form_data(request: web.Request, raw: bytes) -> dict[str, str] | None:
    """The fields of a posted form, read in the charset it was sent in: the one the
    Content-Type names, else the browser's `_charset_` field, else UTF-8. None when
    that charset is unknown, not a superset of ASCII (a form body cannot be in it) or
    does not read the body: such a send is refused rather than stored garbled."""
    charset = request.charset
    if not charset:
        as_bytes = dict(parse_qsl(raw.decode("latin-1"), encoding="latin-1"))
        charset = as_bytes.get(CHARSET_FIELD, "").strip() or "utf-8"
    try:
        if codecs.lookup(charset).encode("=&%+")[0] != b"=&%+":
            return None
        return dict(
            parse_qsl(
                raw.decode(charset), keep_blank_values=True, encoding=charset, errors="strict"
            )
        )
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None


def _thanked(token: str) -> web.Response:
    """Post/Redirect/Get: the browser shows the thank-you page and a reload only reloads it."""
    return web.Response(
        status=303, headers={"Location": f"{token}?sent=1", "Cache-Control": "no-store"}
    )


async def lead_page(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    raw = b""
    too_big = False
    if request.method == "POST":
        try:  # the whole body, however it arrives, up to the app's client_max_size
            raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            too_big = True
    async with request.app[SESSIONS]() as session, session.begin():
        found = await crm_forms.public_form(session, token)
        if found is None:  # the same answer for a wrong token and a form turned off
            tr = translator(_visitor_locale(request))
            text = escape(tr.s("This form does not exist or no longer takes requests."))
            return _page(tr, tr.s("Form not found"), f"<p>{text}</p>", status=404)
        form, team = found
        tr = translator(team.locale, team.timezone)
        if too_big:  # what was typed cannot be read back: the form again, blank
            text = escape(tr.s("The form was too large to take; please shorten the message."))
            blank = _form_html(tr, form.intro, {}, {}, crm_forms.send_token())
            return _page(tr, form.name, f'<p class="error">{text}</p>' + blank, status=413)
        if request.method != "POST":
            if request.query.get("sent") == "1":
                thanks = escape(tr.s("Thank you! We will get back to you soon."))
                return _page(tr, form.name, f"<p>{thanks}</p>")
            blank = _form_html(tr, form.intro, {}, {}, crm_forms.send_token())
            return _page(tr, form.name, blank)
        data = _form_data(request, raw)
        if data is None:
            text = escape(
                tr.s(
                    "The form came in a character set that cannot be read. Send it in "
                    'UTF-8 (accept-charset="UTF-8" on the form) or name its charset '
                    "in the Content-Type."
                )
            )
            blank = _form_html(tr, form.intro, {}, {}, crm_forms.send_token())
            body = f'<p class="error">{text}</p>' + blank
            return _page(tr, form.name, body, status=400)
        if data.get(HONEYPOT):
            log.info("lead_page_robot", form=form.id)
            return _thanked(token)  # said to a robot as to anyone
        sent = crm_forms.check(data)
        once = data.get(SEND_FIELD, "")
        again = once or crm_forms.send_token()  # what a form drawn again carries
        values = {
            "name": sent.name,
            "phone": sent.phone,
            "email": sent.email,
            "message": sent.message,
        }
        if sent.errors:  # shown on the form, with what was typed; not counted as a send
            return _page(tr, form.name, _form_html(tr, form.intro, values, sent.errors, again), 400)
        keys = crm_forms.send_keys(sent, once, _sender_address(request))
        if await crm_forms.received(session, form, keys):
            log.info("lead_page_repeat", form=form.id)
            return _thanked(token)
        if _too_often(request, token):
            text = escape(tr.s("Too many sends from here; please try again in a minute."))
            body = f'<p class="error">{text}</p>' + _form_html(tr, form.intro, values, {}, again)
            return _page(tr, form.name, body, status=429)
        accepted = await form_pages.accept(session, form, data, keys)
        if accepted.repeat:  # taken at the same moment by another process
            log.info("lead_page_repeat", form=form.id)
            return _thanked(token)
        if accepted.sent.errors:
            body = _form_html(tr, form.intro, values, accepted.sent.errors, again)
            return _page(tr, form.name, body, status=400)
        _count_send(request, token)
        log.info("lead_page_sent", form=form.id, lead=accepted.lead_id)
    return _thanked(token)


def make_web_app(
    sessions: async_sessionmaker[AsyncSession], public_url: str = ""
) -> web.Application:
    app = web.Application(client_max_size=FORM_BODY_LIMIT)
    app[SESSIONS] = sessions
    app[HOST] = urlparse(public_url).hostname or "planerka"
    app[LIMITS] = {}
    app.router.add_get("/ics/{name}", ics_feed)
    app.router.add_get("/f/{token}", lead_page)
    app.router.add_post("/f/{token}", lead_page)
    return app


async def run_web(app: App) -> None:
    settings = app.settings.web
    # no access log: request lines carry the feeds' secret tokens
    runner = web.AppRunner(
        make_web_app(app.workspace.sessionmaker, settings.public_url), access_log=None
    )
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    log.info("web_started", host=settings.host, port=settings.port)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()

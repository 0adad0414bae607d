"""/ics: the person's (or a group's) calendar as an .ics file, and a private
subscription link for Google Calendar or Outlook."""

from __future__ import annotations

from typing import Any

from handlers.core import Ctx, Router
from handlers.groups_input import resolve_group
from handlers.i18n import N_
from handlers.markup import code
from handlers.views import Attachment, Button, View
from services import calendar_feed, calendar_ics

router = Router(__name__)
ORDER = 67

LINK_WORDS = ("link", "url", "subscribe", "ссылка", "подписка")


@router.command(
    "ics",
    help=N_("your calendar as an .ics file, or a subscription link"),
    usage=N_("/ics [#group] [link]"),
)
async def ics_command(ctx: Ctx) -> Any:
    text = ctx.args.strip()
    group_id = None
    if text.startswith("#"):
        group, text = await resolve_group(ctx, text, to_read=True)
        group_id = group.id
    name = await calendar_feed.calendar_name(ctx.session, ctx.me, group_id)
    if text.lower() in LINK_WORDS:
        if not ctx.services.public_url:
            return View(
                body=ctx.tr(
                    "Subscription links need the bot's web server, which is not set up here. Use the file: /ics"
                )
            )
        token = await calendar_feed.new_token(ctx.session, ctx.me, group_id)
        url = f"{ctx.services.public_url}/ics/{token}.ics"
        return View(
            body=ctx.tr(
                "Your private calendar link: {url}\nAdd it in Google Calendar (Other calendars → From URL) or "
                "Outlook (Add calendar → Subscribe from web). Keep it secret; asking for a new link turns this one off.",
                url=code(url),
            ),
            private=True,
        )
    entries = await calendar_feed.entries(ctx.session, ctx.me, group_id)
    body = calendar_ics.render(entries, name=name)
    view = View(
        body=ctx.tr.n(
            "Calendar {name}: {n} event. Import the file into any calendar.",
            "Calendar {name}: {n} events. Import the file into any calendar.",
            calendar_ics.event_count(entries),
            name=name,
        ),
        private=True,  # the person's own calendar: not uploaded into a channel
    )
    view.file = Attachment("calendar.ics", body.encode(), "text/calendar")
    view.row(Button(ctx.tr.s("Subscription link"), "cmd:ics:link"))
    return view

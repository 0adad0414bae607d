"""Colleagues a Slack command or modal mentions: they join the team, or the author hears why not."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.slack import modals
from bot.slack.people import MENTIONED, sender_of, team_of, workspaces_of
from bot.slack.render import escape, unescape
from bot.slack.sender import PLATFORM
from handlers.forms import person_answer
from handlers.i18n import Translator
from handlers.markup import mention
from handlers.views import View
from services import teams_identity
from services.teams import Newcomer

if TYPE_CHECKING:
    from bot.slack.adapter import SlackAdapter


@dataclass(frozen=True, slots=True)
class NotEnrolled:
    """A person a command mentioned who did not join the team by it."""

    user: str
    label: str  # as the mention was written: <@U…|label>
    outside: bool  # of another workspace; False: Slack could not tell who they are

    def view(self, tr: Translator) -> View:
        person = mention(unescape(self.label) or self.user, f"{PLATFORM}:{self.user}")
        if self.outside:
            body = tr(
                "{person} is in another Slack workspace: they do not join this team, and "
                "nothing of it is shared with them.",
                person=person,
            )
        else:
            body = tr(
                "Slack could not tell me who {person} is just now, so they were not added "
                "to the team. Try again in a minute.",
                person=person,
            )
        return View(body=body, private=True)

    def error(self, tr: Translator) -> str:
        """Why the person picked in a modal's people field cannot be taken (plain text)."""
        if self.outside:
            return tr.s(
                "{name} is not in this team: choose someone of this workspace, or type a name.",
                name=unescape(self.label) or self.user,
            )
        return tr.s("Slack could not tell me who this is just now. Try again in a minute.")


class FormValues(NamedTuple):
    values: dict[str, str]  # field name -> the answer, as the neutral form reads it
    missed: list[NotEnrolled]  # mentioned in a field and not joined: told privately
    refused: dict[str, NotEnrolled]  # field name -> the person picked there, not of the team


async def enroll_mentioned(
    slack: SlackAdapter, text: str, author: str, team_key: str | None
) -> list[NotEnrolled]:
    """The workspace is the team: colleagues a command mentions (<@U…>) who have not
    written to the app yet join it now, so "assign to @Petr" finds Petr and his
    notices reach his DM with the app. Someone of another workspace (a Slack Connect
    channel) never joins by a mention, nor anyone Slack cannot tell us about just
    now: those are returned, for the author to be told."""
    missed: list[NotEnrolled] = []
    if not team_key:
        return missed
    mentioned: dict[str, str] = {}  # user id -> the label of its first mention
    for user, label in MENTIONED.findall(text):
        mentioned.setdefault(user, label)
    for user, label in mentioned.items():
        if user == author:
            continue
        async with slack.workspace.sessionmaker() as session:
            if await teams_identity.resolve_actor(session, PLATFORM, user) is not None:
                continue  # known: no Slack calls
        info = await slack.people.lookup(user)
        if info is None or team_key not in workspaces_of(info):
            missed.append(NotEnrolled(user, label, outside=info is not None))
            continue
        who = sender_of(user, info, team_key)
        chat = await slack.people.dm_channel(user)
        await slack.workspace.enroll(
            team_key,
            Newcomer(
                platform=PLATFORM,
                external_id=user,
                name=who.name,
                username=who.username,
                locale=who.language_code,
                timezone=who.timezone,
                chat_id=chat if chat.startswith("D") else None,
                guest=who.guest,
                team_name=await slack.workspace_name(team_key),
            ),
        )
    return missed


async def form_values(slack: SlackAdapter, body: dict[str, Any], user: str) -> FormValues:
    """A submitted modal's fields, read as a slash command's text is: the colleagues
    they mention (<@U…>) join the team and are written @username, so a date or a
    person typed around them reads the same as in the command; those who did not
    join are returned, for the author to be told. A person picked in a people field
    is that member of the team, or refused there when they are not of it."""
    view = body.get("view") or {}
    values = modals.submitted_values(view)
    missed = await enroll_mentioned(slack, " ".join(values.values()), user, team_of(body))
    # a pick the text typed under it did not override
    picks = {f: u for f, u in modals.picked(view).items() if values.get(f) == f"<@{u}>"}
    refused: dict[str, NotEnrolled] = {}
    for name, picked in picks.items():
        member = await _team_member(slack, picked, user)
        if member is not None:
            values[name] = person_answer(member)
            continue
        told = next((p for p in missed if p.user == picked), None)
        who = sender_of(picked, await slack.people.lookup(picked), None)
        refused[name] = replace(
            told or NotEnrolled(picked, "", outside=True), label=escape(who.name)
        )
    return FormValues(
        {name: await slack.people.mentions_readable(v) for name, v in values.items()},
        [p for p in missed if p.user not in picks.values()],
        refused,
    )


async def _team_member(slack: SlackAdapter, user: str, author: str) -> int | None:
    """The member of the author's team who is this Slack user."""
    async with slack.workspace.sessionmaker() as session:
        person = await teams_identity.resolve_actor(session, PLATFORM, user)
        me = await teams_identity.resolve_actor(session, PLATFORM, author)
    if person is None or me is None or person.team_id != me.team_id:
        return None
    return person.user_id

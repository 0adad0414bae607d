"""The feed in Slack: what a post or a poll typed in a channel shows to that channel."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes import slack_api
from tests.fakes.slack_harness import SlackHarness, slack_http

ANNA, BORIS = "U0ANNA", "U0BORIS"


async def _answers(slack: SlackHarness, line: str, channel: str) -> tuple[list[str], list[str]]:
    """(what the channel saw, what Anna alone saw) of one command."""
    seen = len(slack.fake.calls)
    await slack.command(line, user=ANNA, channel=channel)
    public: list[str] = []
    mine: list[str] = []
    for call in slack.fake.calls[seen:]:
        args: dict[str, Any] = call.args
        if call.method == "chat.postMessage" and args["channel"] == channel:
            public.append(slack_api.message_text(args))
        elif call.method == "chat.postEphemeral" and args["user"] == ANNA:
            mine.append(slack_api.message_text(args))
    return public, mine


async def test_posts_and_polls_for_people_or_another_group_answer_their_author_alone(
    sqlite_url: str,
) -> None:
    async with slack_http(sqlite_url) as slack:
        if not {"post", "poll", "bind"} <= set(slack.adapter.workspace.registry.commands):
            pytest.skip("the feed is not in this build")
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.add_user(BORIS, "Boris")
        await slack.command("help", user=ANNA, channel="D0ANNA")
        await slack.command("help", user=BORIS, channel="D0BORIS")
        await slack.command("groups new Board closed", user=ANNA, channel="D0ANNA")

        for line, words in (
            ("post @boris Carl is leaving", "Carl is leaving"),
            ("poll @boris Should we let Carl go? | yes | no", "Should we let Carl go?"),
            ("post #Board Layoffs next week", "Layoffs next week"),
            ("poll #Board Who goes first? | Sales | Support", "Who goes first?"),
        ):
            public, mine = await _answers(slack, line, "C0GENERAL")
            assert not any(words in text for text in public), (line, public)
            assert any(words in text for text in mine), (line, mine)

        # the group's own channel shows what is posted for the group there
        await slack.command("bind Board", user=ANNA, channel="C0BOARD")
        public, _mine = await _answers(slack, "poll #Board Lunch? | Pizza | Sushi", "C0BOARD")
        assert any("Lunch?" in text for text in public), public
        public, _mine = await _answers(slack, "post Office closed on Friday", "C0GENERAL")
        assert any("Office closed on Friday" in text for text in public), public
        # and a post shown again by its number follows the same rule
        public, mine = await _answers(slack, "post 3", "C0GENERAL")
        assert not any("Layoffs" in text for text in public) and any(
            "Layoffs" in text for text in mine
        ), (public, mine)


async def test_a_comments_slack_marks_are_shown_not_applied(sqlite_url: str) -> None:
    async with slack_http(sqlite_url) as slack:
        if "post" not in slack.adapter.workspace.registry.commands:
            pytest.skip("the feed is not in this build")
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.add_user(BORIS, "Boris")
        await slack.command("help", user=ANNA, channel="D0ANNA")
        await slack.command("help", user=BORIS, channel="D0BORIS")
        await slack.command("post Payments this week", user=ANNA, channel="D0ANNA")
        await slack.press("Comment", user=BORIS, channel="D0BORIS")
        modal = slack.last_modal()
        said = "*URGENT* wire money to ~old~ _new_ account `1234` <!channel> https://x.y/a_b"
        status, _ = await slack.submit({"text": said}, user=BORIS)
        assert status == 200
        shown = slack.fake.texts()[-1]
        assert "Comment added." in shown and "URGENT" in shown, (modal, shown)
        assert "*URGENT*" not in shown and "~old~" not in shown and "_new_" not in shown, shown
        assert "`1234`" not in shown and "<!channel>" not in shown, shown
        assert "∗URGENT∗ wire money to ∼old∼ ˍnewˍ account ˋ1234ˋ" in shown, shown
        assert "https://x.y/a_b" in shown, shown


async def test_a_vote_on_a_bound_channels_poll_keeps_it_everyones(sqlite_url: str) -> None:
    """Boris (English) and Vera (Russian) vote on an anonymous poll in the group's
    channel: the channel's message shows the results in the team's language, with no
    one's marks and no author's buttons; each voter is told their vote alone, and Anna
    closes the poll from what she alone sees."""
    vera = "U0VERA"
    async with slack_http(sqlite_url) as slack:
        if not {"poll", "bind"} <= set(slack.adapter.workspace.registry.commands):
            pytest.skip("the feed is not in this build")
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.add_user(BORIS, "Boris")
        slack.fake.add_user(vera, "Vera", locale="ru-RU")
        for user in (ANNA, BORIS, vera):
            await slack.command("help", user=user, channel="D" + user[1:])
        await slack.command("groups new Board", user=ANNA, channel="D0ANNA")
        for name in ("boris", "vera"):
            await slack.command(f"groups add Board @{name}", user=ANNA, channel="D0ANNA")
        await slack.command("bind Board", user=ANNA, channel="C0BOARD")
        seen = len(slack.fake.calls)
        await slack.command(
            "poll Salary raise? | Yes | No | anonymous", user=ANNA, channel="C0BOARD"
        )
        posted = [
            c.args
            for c in slack.fake.calls[seen:]
            if c.method == "chat.postMessage" and c.args["channel"] == "C0BOARD"
        ]
        (poll,) = posted
        shared = slack_api.buttons_of(poll["blocks"])
        assert "Close poll" not in shared and "Delete" not in shared, shared
        own = [
            slack_api.buttons_of(c.args["blocks"])
            for c in slack.fake.calls[seen:]
            if c.method == "chat.postEphemeral" and c.args["user"] == ANNA
        ]
        assert own and "Close poll" in own[-1] and "Delete" in own[-1], own

        for user, option, said in (
            (BORIS, "No", "Your vote: *No*"),
            (vera, "Yes", "Ваш голос: *Yes*"),
        ):
            seen = len(slack.fake.calls)
            await slack.action(shared[option], user=user, channel="C0BOARD")
            calls = slack.fake.calls[seen:]
            (update,) = [c.args for c in calls if c.method == "chat.update"]
            text = slack_api.message_text(update)
            buttons = slack_api.buttons_of(update["blocks"])
            assert update["channel"] == "C0BOARD", update
            assert "●" not in text and not any("✓" in label for label in buttons), text
            assert "(anonymous)" in text and "голос" not in text, text  # the team's language
            assert "Close poll" not in buttons and "Delete" not in buttons, buttons
            privately = [
                slack_api.message_text(c.args)
                for c in calls
                if c.method == "chat.postEphemeral" and c.args["user"] == user
            ]
            assert privately == [said], privately
        assert "Yes: █████░░░░░ 1" in text and "No: █████░░░░░ 1" in text and "2 votes" in text

        seen = len(slack.fake.calls)
        await slack.action(own[-1]["Close poll"], user=ANNA, channel="C0BOARD", ephemeral=True)
        results = [
            slack_api.message_text(c.args)
            for c in slack.fake.calls[seen:]
            if c.method == "chat.postMessage" and c.args["channel"] == "C0BOARD"
        ]
        assert results and "Voting is over." in results[-1], results

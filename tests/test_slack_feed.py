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

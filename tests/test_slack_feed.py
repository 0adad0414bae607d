"""The feed in Slack: what a post or a poll typed in a channel shows to that channel."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes import slack_api
from tests.fakes.slack_harness import SlackHarness, slack_http

ANNA, BORIS = "U0ANNA", "U0BORIS"


async def _answers(
    slack: SlackHarness, line: str, channel: str, user: str = ANNA
) -> tuple[list[str], list[str]]:
    """(what the channel saw, what the one who typed it, Anna, alone saw) of one command."""
    seen = len(slack.fake.calls)
    await slack.command(line, user=user, channel=channel)
    public: list[str] = []
    mine: list[str] = []
    for call in slack.fake.calls[seen:]:
        args: dict[str, Any] = call.args
        if call.method == "chat.postMessage" and args["channel"] == channel:
            public.append(slack_api.message_text(args))
        elif call.method == "chat.postEphemeral" and args["user"] == user:
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


async def test_a_like_on_a_bound_channels_post_keeps_it_everyones(sqlite_url: str) -> None:
    """Anna posts an important post in the group's channel: the channel's card has no
    author's buttons (Edit, Delete, Read by), which she alone gets. Vera (Russian) and
    Anna like it: the card shows the count in the team's language, never anyone's own
    buttons; each is told their like alone."""
    vera = "U0VERA"
    async with slack_http(sqlite_url) as slack:
        if not {"post", "bind"} <= set(slack.adapter.workspace.registry.commands):
            pytest.skip("the feed is not in this build")
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.add_user(vera, "Vera", locale="ru-RU")
        for user in (ANNA, vera):
            await slack.command("help", user=user, channel="D" + user[1:])
        await slack.command("groups new Board", user=ANNA, channel="D0ANNA")
        await slack.command("groups add Board @vera", user=ANNA, channel="D0ANNA")
        await slack.command("bind Board", user=ANNA, channel="C0BOARD")
        seen = len(slack.fake.calls)
        await slack.command("post ! Office closed on Friday", user=ANNA, channel="C0BOARD")
        calls = slack.fake.calls[seen:]
        (card,) = [
            c.args
            for c in calls
            if c.method == "chat.postMessage" and c.args["channel"] == "C0BOARD"
        ]
        shared = slack_api.buttons_of(card["blocks"])
        assert "Office closed on Friday" in slack_api.message_text(card), card
        assert "Posted" not in slack_api.message_text(card), card
        assert {"Like (0)", "Comment", "I have read it"} <= shared.keys(), shared
        assert not {"Edit", "Delete", "Read by 0"} & shared.keys(), shared
        (own,) = [c.args for c in calls if c.method == "chat.postEphemeral"]
        assert own["user"] == ANNA and "Posted" in slack_api.message_text(own), own
        controls = slack_api.buttons_of(own["blocks"])
        assert {"Edit", "Delete", "Read by 0"} <= controls.keys(), controls
        # her Delete asks her alone; "Keep it" shows her the post again, to her alone
        await slack.action(controls["Delete"], user=ANNA, channel="C0BOARD", ephemeral=True)
        seen = len(slack.fake.calls)
        keep = slack.fake.last_buttons()["Keep it"]
        await slack.action(keep, user=ANNA, channel="C0BOARD", ephemeral=True)
        calls = slack.fake.calls[seen:]
        assert not [c for c in calls if c.method in ("chat.postMessage", "chat.update")], calls
        kept = slack_api.message_text(calls[-1].args)
        assert "Office closed on Friday" in kept and calls[-1].args["user"] == ANNA, calls

        for user, likes, said in (
            (vera, 1, "Вам это нравится."),
            (ANNA, 2, "You like it."),
            (vera, 1, "Вам это больше не нравится."),
        ):
            seen = len(slack.fake.calls)
            await slack.action(shared["Like (0)"], user=user, channel="C0BOARD")
            calls = slack.fake.calls[seen:]
            (update,) = [c.args for c in calls if c.method == "chat.update"]
            labels = slack_api.buttons_of(update["blocks"])
            assert update["channel"] == "C0BOARD", update
            assert f"Like ({likes})" in labels and "Comment" in labels, labels  # in English
            assert not {"Edit", "Delete"} & labels.keys(), labels
            assert not any("Read by" in label for label in labels), labels
            privately = [
                slack_api.message_text(c.args)
                for c in calls
                if c.method == "chat.postEphemeral" and c.args["user"] == user
            ]
            assert privately == [said], privately
            assert not [c for c in calls if c.method == "chat.postMessage"], calls


async def test_a_closed_polls_task_and_stale_buttons_in_a_bound_channel(sqlite_url: str) -> None:
    """Anna closes her poll in the group's channel and makes a task of the winner from
    what she alone sees: the task is her answer alone, not the channel's. Boris presses
    a vote button left on the channel's old poll message: it shows the results."""
    async with slack_http(sqlite_url) as slack:
        if not {"poll", "bind", "task"} <= set(slack.adapter.workspace.registry.commands):
            pytest.skip("the feed or the tasks are not in this build")
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.add_user(BORIS, "Boris")
        for user in (ANNA, BORIS):
            await slack.command("help", user=user, channel="D" + user[1:])
        await slack.command("groups new Board", user=ANNA, channel="D0ANNA")
        await slack.command("groups add Board @boris", user=ANNA, channel="D0ANNA")
        await slack.command("bind Board", user=ANNA, channel="C0BOARD")
        seen = len(slack.fake.calls)
        await slack.command("poll Next offsite? | Riga | Tallinn", user=ANNA, channel="C0BOARD")
        calls = slack.fake.calls[seen:]
        (poll,) = [
            c.args
            for c in calls
            if c.method == "chat.postMessage" and c.args["channel"] == "C0BOARD"
        ]
        shared = slack_api.buttons_of(poll["blocks"])
        (own,) = [slack_api.buttons_of(c.args["blocks"]) for c in calls if c.args.get("user")]
        await slack.action(shared["Riga"], user=BORIS, channel="C0BOARD")

        seen = len(slack.fake.calls)
        await slack.action(own["Close poll"], user=ANNA, channel="C0BOARD", ephemeral=True)
        (replaced,) = [c.args for c in slack.fake.calls[seen:] if c.method == "response_url"]
        assert replaced["replace_original"] and replaced["response_type"] == "ephemeral"
        assert "Voting is over." in slack_api.message_text(replaced), replaced
        own = slack_api.buttons_of(replaced["blocks"])
        assert "Make a task" in own, own

        seen = len(slack.fake.calls)
        await slack.action(own["Make a task"], user=ANNA, channel="C0BOARD", ephemeral=True)
        calls = slack.fake.calls[seen:]
        to_all = [c.args for c in calls if c.method in ("chat.postMessage", "chat.update")]
        assert not to_all, to_all
        mine = [
            slack_api.message_text(c.args)
            for c in calls
            if c.method == "chat.postEphemeral"
            or (c.method == "response_url" and c.args.get("response_type") == "ephemeral")
        ]
        assert any("Riga" in text for text in mine), mine
        assert any("Task #1 created." in text for text in mine), mine

        seen = len(slack.fake.calls)
        await slack.action(shared["Tallinn"], user=BORIS, channel="C0BOARD")
        calls = slack.fake.calls[seen:]
        (update,) = [c.args for c in calls if c.method == "chat.update"]
        assert "Voting is over." in slack_api.message_text(update), update
        assert not {"Riga", "Tallinn"} & slack_api.buttons_of(update["blocks"]).keys(), update
        told = [slack_api.message_text(c.args) for c in calls if c.method == "chat.postEphemeral"]
        assert told == ["Voting in this poll is over."], told


async def test_post_by_its_number_in_a_bound_channel_is_everyones(sqlite_url: str) -> None:
    """/post N typed in the group's channel: the channel sees everyone's card (no one's
    vote marks, no Edit or Delete); the asker's own vote and buttons reach them alone."""
    async with slack_http(sqlite_url) as slack:
        if not {"post", "poll", "bind"} <= set(slack.adapter.workspace.registry.commands):
            pytest.skip("the feed is not in this build")
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.add_user(BORIS, "Boris")
        for user in (ANNA, BORIS):
            await slack.command("help", user=user, channel="D" + user[1:])
        await slack.command("groups new Board", user=ANNA, channel="D0ANNA")
        await slack.command("groups add Board @boris", user=ANNA, channel="D0ANNA")
        await slack.command("bind Board", user=ANNA, channel="C0BOARD")
        await slack.command("post #Board Office closed on Friday", user=ANNA, channel="D0ANNA")
        await slack.command("poll #Board Lunch? | Pizza | Sushi", user=ANNA, channel="D0ANNA")
        await slack.press("Pizza", user=ANNA, channel="D0ANNA")

        seen = len(slack.fake.calls)
        await slack.command("post 1", user=ANNA, channel="C0BOARD")
        calls = slack.fake.calls[seen:]
        (card,) = [
            c.args
            for c in calls
            if c.method == "chat.postMessage" and c.args["channel"] == "C0BOARD"
        ]
        assert "Office closed on Friday" in slack_api.message_text(card), card
        shared = slack_api.buttons_of(card["blocks"])
        assert "Like (0)" in shared and not {"Edit", "Delete"} & shared.keys(), shared
        (own,) = [c.args for c in calls if c.method == "chat.postEphemeral"]
        assert own["user"] == ANNA, own
        assert {"Edit", "Delete"} <= slack_api.buttons_of(own["blocks"]).keys(), own

        seen = len(slack.fake.calls)
        await slack.command("post 2", user=ANNA, channel="C0BOARD")
        calls = slack.fake.calls[seen:]
        (card,) = [
            c.args
            for c in calls
            if c.method == "chat.postMessage" and c.args["channel"] == "C0BOARD"
        ]
        text = slack_api.message_text(card)
        shared = slack_api.buttons_of(card["blocks"])
        assert "Lunch?" in text and "●" not in text, text
        assert not any("✓" in label for label in shared), shared
        assert not {"Close poll", "Delete"} & shared.keys(), shared
        (own,) = [c.args for c in calls if c.method == "chat.postEphemeral"]
        assert own["user"] == ANNA and "Your vote: *Pizza*" in slack_api.message_text(own), own
        assert {"Close poll", "Delete"} <= slack_api.buttons_of(own["blocks"]).keys(), own

        # Boris, who may press nothing of the author's, gets the channel's card only
        seen = len(slack.fake.calls)
        await slack.command("post 1", user=BORIS, channel="C0BOARD")
        calls = slack.fake.calls[seen:]
        assert [c.method for c in calls if c.method.startswith("chat.")] == ["chat.postMessage"], (
            calls
        )


async def test_someone_outside_a_bound_channels_closed_group_is_refused_there(
    sqlite_url: str,
) -> None:
    """Boris, not in the closed group Board, posts or makes a task in Board's channel: he
    alone is told that the channel acts on Board, and nothing shows there."""
    async with slack_http(sqlite_url) as slack:
        if not {"post", "task", "bind"} <= set(slack.adapter.workspace.registry.commands):
            pytest.skip("the feed is not in this build")
        slack.fake.add_user(ANNA, "Anna")
        slack.fake.add_user(BORIS, "Boris")
        await slack.command("help", user=ANNA, channel="D0ANNA")
        await slack.command("help", user=BORIS, channel="D0BORIS")
        await slack.command("groups new Board closed", user=ANNA, channel="D0ANNA")
        await slack.command("bind Board", user=ANNA, channel="C0BOARD")
        for line in ("post hello from Boris", "task Boris task"):
            public, mine = await _answers(slack, line, "C0BOARD", user=BORIS)
            assert public == [], (line, public)
            assert len(mine) == 1 and mine[0].startswith(
                "You are not a member of Board, and commands in this chat act on it."
            ), (line, mine)

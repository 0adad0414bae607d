"""The feed and polls end to end through the console, in English and in Russian."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from tests.console_driver import ConsoleDriver
from tests.test_calendar_e2e import invite_code, team


async def test_posts_likes_comments_and_read_receipts_in_english(app: App) -> None:
    boss, anna, petr = await team(app)
    out = await boss.say("/post Office closed on Friday")
    assert "Posted; it reached 2 people." in out
    out = await anna.say("/feed")
    assert "📰 Post from Boss:" in out and "Office closed on Friday" in out
    assert "Feed (1)" in out
    out = await anna.press("Like")
    assert "Like (1)" in out
    out = await anna.press("Comment")
    out = await anna.say("Noted, thanks @Petr")
    assert "Comment added." in out and "Anna: Noted, thanks @Petr" in out
    out = await petr.say("/feed")
    assert "Anna mentioned you under «Office closed on Friday»: Noted, thanks @Petr" in out
    out = await boss.say("/feed")
    assert "Anna liked your post «Office closed on Friday»." in out
    assert "Anna commented on «Office closed on Friday»: Noted, thanks @Petr" in out

    out = await boss.say("/post ! New security rules: lock your screen")
    assert "❗" in out and "Read by 0" in out
    out = await anna.say("/feed")
    assert "❗ Important post from Boss:" in out
    out = await anna.press("I have read it")
    assert "Thank you: the author sees that you have read it." in out
    out = await anna.say("/inbox")
    assert "New security rules" not in out.split("Read")[0], out  # not among the unread
    await boss.say("/feed")
    out = await boss.press("New security rules")
    out = await boss.press("Read by 1")
    assert "Read by 1 of 2" in out and "✅ Anna" in out and "⏳ Petr" in out

    # a post to chosen people, and sharing it on
    out = await boss.say("/post @Anna Your review is on Monday")
    assert "Posted; it reached 1 person." in out
    out = await petr.say("/feed")
    assert "Your review is on Monday" not in out
    out = await anna.say("/feed")
    await anna.press("Your review")
    out = await anna.press("Share")
    assert "Share with whom?" in out
    out = await anna.say("@Petr")
    assert "Shared with 1 person." in out
    out = await petr.say("/feed")
    assert "Anna shared a post with you." in out
    assert "Feed (3)" in out

    # the author deletes a post; it leaves every feed
    out = await boss.say("/feed")
    await boss.press("Office closed")
    out = await boss.press("Delete")
    assert "Delete the post «Office closed on Friday»? This cannot be undone." in out
    assert "Its 1 comment goes with it." in out
    out = await boss.press("Yes, delete it")
    assert "The post is deleted." in out
    out = await petr.say("/feed")
    assert "Feed (2)" in out and "Office closed" not in out
    out = await petr.say("/post 1")
    assert "Not found, or you have no access to it." in out


async def test_polls_in_english(app: App) -> None:
    boss, anna, petr = await team(app)
    out = await boss.say("/poll Lunch where?")
    assert "A poll needs at least two options." in out
    out = await boss.say("/poll Lunch where? | Pizza | Sushi | Soup")
    assert "Poll sent to 2 people." in out
    out = await anna.say("/feed")
    assert "📊 Boss asks: Lunch where?" in out
    out = await anna.press("Sushi")
    assert "● Sushi" in out and "Sushi: ██████████ 1 — Anna" in out
    out = await anna.press("Pizza")  # single choice: the vote moves
    assert "Pizza: ██████████ 1 — Anna" in out and "Sushi: ░░░░░░░░░░ 0" in out
    await petr.say("/feed")
    out = await petr.press("Pizza")
    assert "2 votes" in out
    await boss.say("/feed")
    out = await boss.press("Lunch where?")
    out = await boss.press("Close poll")
    assert "Voting is over." in out and "Winner: Pizza" in out
    out = await anna.say("/post 1")
    assert "Voting is over." in out and "Pizza" in out

    out = await boss.say("/poll Offsite? | Yes | No | until tomorrow 18:00")
    assert "Voting until tomorrow 18:00" in out
    out = await boss.say("/poll Which days? | Mon | Tue | Wed | multiple | anonymous")
    out = await anna.say("/feed")
    await anna.press("Which days?")
    await anna.press("Mon")
    out = await anna.press("Wed")
    assert "Mon: " in out and "Anna" not in out.split("Which days?")[1].split("[")[0]
    assert "2 votes" in out


async def test_a_deleted_polls_buttons_never_vote_in_a_new_poll(sqlite_app: App) -> None:
    """SQLite gave the id of a deleted newest row to the next one: the old poll's
    "Pizza" button voted for the first option of the poll that took its ids."""
    boss, anna, petr = await team(sqlite_app)
    await boss.say("/poll Lunch where? | Pizza | Sushi")
    out = await anna.say("/cancel")
    assert "Boss asks: Lunch where?" in out
    (pizza,) = (n for n, label in anna.buttons().items() if label == "Pizza")
    await boss.say("/feed")
    await boss.press("Lunch where?")
    assert "This cannot be undone." in await boss.press("Delete")
    assert "The post is deleted." in await boss.press("Yes, delete it")
    await boss.say("/poll Who leads the project? | Anna | Petr")
    out = await anna.say(str(pizza))  # Pizza on the message about the deleted poll
    assert "Not found, or you have no access to it." in out, out
    await boss.say("/feed")
    out = await boss.press("Who leads the project?")
    assert "Anna: ░░░░░░░░░░ 0" in out and "0 votes" in out, out


async def test_group_posts_stay_in_the_group(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    await boss.say("/groups new Продажи")
    anna = ConsoleDriver(sqlite_app, user="Anna", lang="ru")
    await anna.say(f"/start {code}")
    petr = ConsoleDriver(sqlite_app, user="Petr", lang="ru")
    await petr.say(f"/start {code}")
    await anna.say("/groups join Продажи")
    out = await boss.say("/post #Продажи План на неделю: 10 встреч")
    assert "Опубликовано; получил 1 человек." in out
    out = await anna.say("/feed")
    assert "📰 Пост — Boss:" in out and "План на неделю" in out
    out = await petr.say("/feed")
    assert "План на неделю" not in out and "Лента (0)" in out
    out = await boss.say("/poll #Продажи Когда созвон? | Утром | Вечером")
    assert "Опрос отправлен 1 человеку." in out
    out = await anna.say("/feed")
    out = await anna.press("Утром")
    assert "Утром: ██████████ 1 — Anna" in out
    out = await anna.say("/poll Вопрос? | Один")
    assert "В опросе нужно хотя бы два варианта." in out

    # a group that is not there: the person's own groups are named, nothing is sent
    out = await anna.say("/poll #Прадажи Когда созвон? | Утром | Вечером")
    assert "Группы «Прадажи» нет. Ваши группы: #Продажи. Отправьте ещё раз" in out, out
    out = await petr.say("/post #Маркетинг Привет")
    assert "вы пока не состоите ни в одной группе" in out, out


async def test_winning_option_becomes_a_task(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app)
    await boss.say("/poll Next feature? | Dark mode | Export to PDF")
    await anna.say("/feed")
    await anna.press("Export to PDF")
    await boss.say("/feed")
    await boss.press("Next feature?")
    out = await boss.press("Close poll")
    assert "Winner: Export to PDF" in out
    out = await boss.press("Make a task")
    assert "Export to PDF" in out
    out = await boss.say("/tasks")
    assert "Export to PDF" in out


async def test_share_a_task_and_an_event(sqlite_app: App) -> None:
    boss, anna, petr = await team(sqlite_app)
    out = await boss.say("/task Prepare the report tomorrow 18:00 @Anna")
    out = await boss.say("/share task 1 @Petr")
    # Petr has no role in the task: sharing does not open it to him
    assert "None of them may see this task." in out
    out = await boss.say("/share task 1 @Anna")
    assert "Shared with 1 person." in out
    out = await anna.say("/feed")
    assert "Boss shared a task with you: Prepare the report" in out
    out = await boss.say("/share thing 1 @Anna")
    assert "What to share, and with whom?" in out

    await boss.say("/event Retro tomorrow 16:00")
    out = await boss.say("/share event 1 @Petr")
    assert "Shared with 1 person." in out
    out = await petr.say("/events week")
    assert "Boss invites you to Retro" in out
    out = await petr.press("Accept")
    assert "✅ Petr" in out


async def test_long_comment_threads_page(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app)
    await boss.say("/post Ideas for the offsite?")
    for n in range(12):
        await anna.say("/feed")
        await anna.press("Ideas for the offsite")
        await anna.press("Comment")
        await anna.say(f"Idea {n:02d}")
    await boss.say("/feed")  # the console prints the waiting notifications first
    out = await boss.say("/post 1")
    assert "Idea 11" in out and "Idea 00" not in out  # the card shows the latest
    out = await boss.press("All comments")
    assert "Comments on Ideas for the offsite? (12)" in out and "Idea 00" in out
    assert "Idea 11" not in out and "1/2" in out
    out = await boss.press("Next »")
    assert "Idea 11" in out and "2/2" in out

    await boss.say("/event Offsite tomorrow 10:00 @Anna")
    for n in range(6):
        await anna.say("/event 1")
        await anna.press("Comment")
        await anna.say(f"Note {n}")
    out = await anna.say("/event 1")
    out = await anna.press("All comments")
    assert "Comments on Offsite (6)" in out and "Note 0" in out


async def test_long_post_card_fits_one_message(sqlite_app: App) -> None:
    boss, anna, _petr = await team(sqlite_app)
    out = await boss.say("/post " + "word " * 800)
    assert "A post may have at most 3500 characters." in out
    await boss.say("/post " + "w" * 3400)
    for n in range(3):
        await anna.say("/feed")
        await anna.press("www")
        await anna.press("Comment")
        await anna.say(f"{n} " + "c" * 600)
    await boss.say("/feed")
    out = await boss.say("/post 1")
    card = out.split("\n[")[0]
    assert len(card) < 4096 and "All comments" in out


async def test_group_posts_polls_and_events_reach_the_bound_chat(sqlite_app: App) -> None:
    from sqlalchemy import select

    from models.outbox import OutboxMessage
    from services import chats
    from services.teams_identity import resolve_actor

    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    await boss.say("/groups new Sales")
    async with sqlite_app.workspace.sessionmaker() as session, session.begin():
        me = await resolve_actor(session, "console", "boss")
        assert me is not None
        group_id = await boss_group(session, me)
        await chats.bind(session, me, "telegram", "-100500", group_id)
    await boss.say("/post #Sales Targets are up")
    await boss.say("/poll #Sales Demo day? | Tue | Thu")
    await boss.say("/event Sales sync tomorrow 11:00 #Sales")
    await boss.say("/post Not for the group chat")
    async with sqlite_app.workspace.sessionmaker() as session:
        rows = (
            (await session.execute(select(OutboxMessage).where(OutboxMessage.group_id == group_id)))
            .scalars()
            .all()
        )
    texts = [" ".join(span[0] for span in row.payload["body"]) for row in rows]
    assert len(rows) == 3
    assert any("Targets are up" in t for t in texts)
    assert any("Demo day?" in t for t in texts)
    assert any("Sales sync" in t for t in texts)


async def boss_group(session: object, me: object) -> int:
    from services import groups

    page = await groups.list_groups(session, me)  # type: ignore[arg-type]
    return page.items[0].id


async def test_poll_options_that_start_like_a_deadline(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="ru", timezone="Europe/Moscow")
    await boss.say("/start")
    out = await boss.say("/poll Когда созвон? | до обеда | после обеда")
    assert "Опрос создан." in out and "Голосование до" not in out
    assert "[1] до обеда" in out and "[2] после обеда" in out
    # a real deadline, in Russian cases, is still a deadline
    out = await boss.say("/poll Корпоратив? | Да | Нет | до пятницы 18:00")
    # the coming Friday: today while 18:00 is ahead, tomorrow on a Thursday
    local = datetime.now(UTC).astimezone(ZoneInfo("Europe/Moscow"))
    label = {3: "завтра ", 4: "сегодня " if local.hour < 18 else "пт "}.get(local.weekday(), "пт ")
    assert f"Голосование до {label}" in out and "18:00" in out, out
    assert "[1] Да" in out and "[2] Нет" in out and "пятницы" not in out
    out = await boss.say("/poll Сколько гостей? | до 5 человек | больше 5")
    assert "Опрос создан." in out and "[1] до 5 человек" in out
    out = await boss.say("/poll Корпоратив? | Да | Нет | до 31.02 18:00")
    assert out.strip() == "Такой даты нет: 31.02.", out
    out = await boss.say("/poll Корпоратив? | Да | Нет | до 12.30 18:00")
    assert "Не понял дату «12.30 18:00»." in out and "Опрос создан." not in out, out


async def test_a_poll_shows_its_comments(sqlite_app: App) -> None:
    boss = ConsoleDriver(sqlite_app, user="Boss", lang="en")
    await boss.say("/start")
    out = await boss.say("/poll Lunch where? | Pizza | Sushi")
    assert "Poll created." in out and "💬" not in out, out
    await boss.press("Comment")
    out = await boss.say("Sushi again? We had it on Monday")
    assert "Comment added." in out, out
    assert "💬 1" in out and "💬 Boss: Sushi again? We had it on Monday" in out, out
    assert "[1] Pizza" in out  # still a poll to vote in
    out = await boss.press("Refresh")
    assert "💬 Boss: Sushi again?" in out, out


async def test_a_tied_poll_says_so_and_asks_which_option_becomes_the_task(app: App) -> None:
    boss, anna, _petr = await team(app)
    await boss.say("/poll Lunch where? | Pizza | Sushi")
    await anna.say("/feed")
    await anna.press("Pizza")
    await boss.say("/feed")
    await boss.press("Lunch where?")
    await boss.press("Sushi")
    out = await boss.press("Close poll")
    assert "A tie: Pizza, Sushi" in out and "Winner" not in out, out
    out = await boss.press("Make a task")
    assert "A tie. Which option becomes the task?" in out, out
    out = await boss.press("Sushi")
    assert "Task #1 created." in out and "#1 Sushi" in out, out


async def test_a_winning_option_is_a_new_task_never_a_command_on_another(
    sqlite_app: App,
) -> None:
    boss, anna, _petr = await team(sqlite_app)
    await boss.say("/task Confidential layoffs list")
    assert "Not found" in await anna.say("/task 1")
    # the option reads as "/task 1 watch @Anna": pressed by the admin, it must not run
    await anna.say("/poll Where do we go for lunch? | 1 watch @Anna | Pizza")
    await anna.say("/feed")
    await anna.press("Where do we go for lunch?")
    await anna.press("1 watch @Anna")
    await boss.say("/feed")
    await boss.press("Where do we go for lunch?")
    await boss.press("Close poll")
    out = await boss.press("Make a task")
    assert "now observes" not in out and "Confidential" not in out, out
    assert "Task #2 created." in out and "1 watch" in out, out
    out = await anna.say("/task 1")
    assert "Not found" in out and "Confidential" not in out, out


async def test_who_left_the_group_no_longer_hears_its_posts_comments(sqlite_app: App) -> None:
    boss, anna, petr = await team(sqlite_app)
    await boss.say("/groups new Board closed")
    await boss.say("/groups add Board @Anna")
    await boss.say("/groups add Board @Petr")
    await boss.say("/post #Board plans for the merger")
    for person, words in ((anna, "I will keep it quiet"), (petr, "Same here")):
        await person.say("/feed")
        await person.press("plans for the merger")
        await person.press("Comment")
        assert "Comment added." in await person.say(words)
    await boss.say("/groups remove Board @Anna")
    await boss.say("/feed")
    await boss.press("plans for the merger")
    await boss.press("Comment")
    assert "Comment added." in await boss.say("Merger price is 42M")
    out = await anna.say("/inbox")
    assert "42M" not in out, out
    out = await petr.say("/inbox")
    assert "Boss commented on «plans for the merger»: Merger price is 42M" in out, out


async def test_deleting_a_poll_asks_first_and_an_admin_deleting_it_tells_its_author(
    app: App,
) -> None:
    boss, anna, petr = await team(app)
    await anna.say("/poll Lunch where? | Pizza | Sushi")
    await petr.say("/feed")
    await petr.press("Pizza")
    await petr.press("Comment")
    await petr.say("Pizza again?")
    await anna.say("/post 1")
    out = await anna.press("Delete")
    assert "Delete the poll «Lunch where?»? This cannot be undone." in out
    assert "Its 1 vote goes with it." in out and "Its 1 comment goes with it." in out
    out = await anna.press("Keep it")
    assert "Pizza: ██████████ 1 — Petr" in out
    # Delete sits in a row of its own, away from Close poll
    row = next(line for line in out.splitlines() if "Close poll" in line)
    assert "Delete" not in row

    await boss.say("/post 1")  # an admin may delete anyone's post, and its author hears of it
    out = await boss.press("Delete")
    assert "Anna will be told that you deleted it." in out
    out = await boss.press("Yes, delete it")
    assert "The post is deleted." in out
    out = await anna.say("/feed")
    assert "Boss deleted your post «Lunch where?»." in out and "Feed (0)" in out


async def test_a_deleted_post_leaves_every_inbox_and_its_waiting_messages_are_called_off(
    app: App,
) -> None:
    boss, anna, petr = await team(app)
    now = datetime.now(UTC)
    start, end = now.hour, (now.hour + 2) % 24
    await petr.say(f"/inbox quiet {start:02d}:00-{end:02d}:00")  # his messages wait
    await boss.say("/post Office closed on Friday")
    await anna.say("/post 1 comment Noted, thanks @Boss")
    out = await anna.say("/inbox")
    assert "Office closed on Friday" in out
    petrs = await _waiting_for(app, "Petr")
    assert petrs == ["pending"], petrs  # the post's notice waits for his quiet hours to end
    await boss.say("/post 1")
    await boss.press("Delete")
    await boss.press("Yes, delete it")
    assert await _waiting_for(app, "Petr") == ["dropped"]  # called off, never sent
    out = await anna.say("/inbox")
    assert "Office closed" not in out and "(0 unread)" in out, out
    out = await boss.say("/inbox")
    assert "Noted, thanks" not in out, out
    out = await petr.say("/inbox quiet off")  # what waited goes out now: not the deleted post
    assert "Office closed" not in out, out
    out = await petr.say("/inbox")
    assert "Office closed" not in out and "(0 unread)" in out, out


async def test_a_second_press_on_ones_choice_keeps_the_vote(app: App) -> None:
    boss, anna, _petr = await team(app)
    await boss.say("/poll Lunch where? | Pizza | Sushi")
    await anna.say("/feed")
    out = await anna.press("Pizza")
    assert "Pizza: ██████████ 1 — Anna" in out
    out = await anna.press("Pizza")  # a double click while the message updates
    assert "You voted for Pizza; your vote stays." in out
    assert "Pizza: ██████████ 1 — Anna" in out and "1 vote" in out
    out = await anna.press("Withdraw my vote")  # taking it back is a button of its own
    assert "Your vote is withdrawn." in out and "Pizza: ░░░░░░░░░░ 0" in out
    assert "Withdraw my vote" not in out


async def test_a_mention_reaches_who_muted_the_post(app: App) -> None:
    boss, anna, petr = await team(app)
    await boss.say("/post Offsite in Sochi")
    await anna.say("/inbox")
    assert "Muted" in await anna.press("🔕")
    await petr.say("/feed")
    await petr.press("Offsite in Sochi")
    await petr.press("Comment")
    await petr.say("Who books the hotel?")
    out = await anna.say("/groups")
    assert "Who books the hotel?" not in out  # the post is muted: its comments are quiet
    await petr.press("Comment")
    await petr.say("@Anna can you book the hotel? urgent")
    out = await anna.say("/groups")  # but a mention is addressed to her
    assert "Petr mentioned you under «Offsite in Sochi»: @Anna can you book the hotel?" in out


async def test_liking_and_unliking_leaves_one_notice_naming_the_post(app: App) -> None:
    boss, anna, _petr = await team(app)
    await boss.say("/post Office closed on Friday")
    await boss.say("/post Pizza at noon")
    await boss.say("/inbox")  # what came before (colleagues joined) is read
    await boss.press("Mark all read")
    await anna.say("/feed")
    await anna.press("Office closed")
    for _ in range(3):  # like, unlike, like, unlike, like, unlike
        await anna.press("Like")
        await anna.press("Like")
    out = await boss.say("/inbox")  # one message came (the first like); no notice is left
    assert "(0 unread)" in out and out.count("🔔 Anna liked your post") == 1, out
    await anna.press("Like")
    await anna.press("Like")
    await anna.press("Like")
    out = await boss.say("/inbox")
    assert out.count("liked your post") == 1 and "(1 unread)" in out, out
    assert "👍 Anna liked your post «Office closed on Friday»." in out
    await boss.say("/inbox settings")  # likes are muted apart from posts
    await boss.press("likes")
    await anna.say("/feed")
    await anna.press("Pizza at noon")
    out = await anna.press("Like")
    assert "Like (1)" in out
    out = await boss.say("/groups")
    assert "liked your post" not in out, out


async def test_authors_edit_and_delete_their_posts_and_comments(app: App) -> None:
    boss, anna, petr = await team(app)
    await boss.say("/post Meetng at 5")
    out = await boss.say("/post 1 edit Meeting at 5")
    assert "The post is changed." in out and "Meeting at 5" in out and "Meetng" not in out
    out = await boss.press("Edit")  # the card's own button
    assert "The new text of the post?" in out
    out = await boss.say("Meeting at 6")
    assert "The post is changed." in out and "Meeting at 6" in out
    out = await anna.say("/post 1 edit Meeting cancelled")
    assert "Only the author can edit the post." in out

    out = await anna.say("/post 1 comment See you @Boss")
    assert "Comment added." in out
    out = await anna.press("Edit my comment")
    assert "The new text of your comment?" in out
    out = await anna.say("See you there @Boss")
    assert "The comment is changed." in out and "Anna: See you there @Boss" in out
    assert "Edit my comment" not in (await petr.say("/post 1"))  # not on others' comments
    await anna.say("/post 1")
    await anna.press("Comment")
    await anna.say("And the slides?")
    out = await anna.press("Delete my comment")
    assert "Delete the comment «And the slides?» under «Meeting at 6»?" in out
    out = await anna.press("Yes, delete it")
    assert "The comment is deleted." in out and "And the slides?" not in out
    assert "Anna: See you there @Boss" in out
    out = await boss.say("/inbox")  # the deleted comment's notice went with it
    assert "See you @Boss" in out and "And the slides?" not in out, out

    out = await boss.say("/post 1 delete")  # asks first, like the button
    assert "Delete the post «Meeting at 6»? This cannot be undone." in out
    out = await anna.say("/poll Lunch? | Pizza | Sushi")
    out = await anna.say("/post 2 edit Dinner?")
    assert "A poll cannot be edited" in out
    # a number and a word that is no action is a new post that starts with a number; an
    # action on a post acts on it, and on a post nobody sees is not found
    for line in (
        "1 new clients signed today!",
        "2027 plans are ready",
        "10 minutes until the demo",
    ):
        out = await petr.say(f"/post {line}")
        assert "Posted; it reached" in out and line in out, out
    out = await petr.say("/post 12 delete the old files")
    assert out.strip() == "Not found, or you have no access to it.", out
    out = await petr.say("/feed")
    assert "Feed (5)" in out and "delete the old files" not in out, out
    out = await petr.say("/post 3 delete")  # a post there: the action is on it
    assert "Delete the post «1 new clients signed today!»?" in out, out


async def test_a_post_opened_from_the_feed_is_read_in_the_inbox(app: App) -> None:
    boss, anna, petr = await team(app)
    await boss.say("/post Hello team, meeting at 5")
    await anna.say("/feed")
    out = await anna.press("Hello team")
    assert "Hello team, meeting at 5" in out
    out = await anna.say("/inbox")
    assert "(0 unread)" in out, out
    await petr.say("/post 1")
    out = await petr.say("/inbox")
    assert "(0 unread)" in out, out


async def test_sharing_tells_only_who_could_not_read_the_post(app: App) -> None:
    boss, anna, petr = await team(app)
    await boss.say("/groups new Board")
    await boss.say("/groups add Board @Anna")
    await anna.say("/post Team lunch on Friday")
    out = await boss.say("/share post 1 #Board")  # Anna wrote it, Boss sees every team post
    assert "Everyone you named can read this post already." in out
    out = await anna.say("/feed")
    assert "shared a post with you" not in out
    await boss.say("/post @Anna Your review is on Monday")
    out = await anna.say("/share post 2 @Boss @Petr")  # the author is not told of his own post
    assert "Shared with 1 person." in out
    out = await boss.say("/feed")
    assert "shared a post with you" not in out
    out = await petr.say("/feed")
    assert "Anna shared a post with you." in out and "Your review is on Monday" in out


async def test_the_read_by_list_counts_whom_a_group_post_was_shared_with(app: App) -> None:
    boss, anna, petr = await team(app)
    await boss.say("/groups new Board closed")
    await boss.say("/groups add Board @Anna")
    await boss.say("/post #Board ! Layoffs next week, keep it quiet")
    assert "Shared with 1 person." in await anna.say("/share post 1 @Petr")
    await petr.say("/feed")
    await petr.press("I have read it")
    await anna.say("/post 1")
    await anna.press("I have read it")
    await boss.say("/post 1")
    out = await boss.press("Read by 2")
    assert "Read by 2 of 2" in out and "✅ Anna" in out and "✅ Petr" in out, out


async def _waiting_for(app: App, name: str) -> list[str]:
    """The statuses of the outbox rows addressed to the person called `name`."""
    from sqlalchemy import select

    from models.outbox import OutboxMessage as Outbox
    from models.teams import User

    async with app.workspace.sessionmaker() as s:
        rows = await s.execute(
            select(Outbox.status).join(User, User.id == Outbox.user_id).where(User.name == name)
        )
        return [status for (status,) in rows]


async def test_the_author_hears_when_a_closed_groups_post_is_shared_outside_it(
    app: App,
) -> None:
    boss = ConsoleDriver(app, user="Boss", lang="en")
    await boss.say("/start")
    code = invite_code(await boss.say("/invite"))
    anna = ConsoleDriver(app, user="Anna", lang="ru")
    await anna.say(f"/start {code}")
    petr = ConsoleDriver(app, user="Petr", lang="en")
    await petr.say(f"/start {code}")
    await boss.say("/groups new Board closed")
    await boss.say("/groups add Board @Anna")
    await boss.say("/groups new Audit")
    await boss.say("/groups add Audit @Petr")
    told = "делится вашим постом"

    await anna.say("/post #Board Layoffs next week, keep it quiet")
    assert "Shared with 1 person." in await boss.say("/share post 1 @Petr")
    out = await anna.say("/feed")
    assert (
        "Boss делится вашим постом «Layoffs next week, keep it quiet» из закрытой "
        "группы Board. Теперь его видят: Petr." in out
    ), out
    await anna.say("/post #Board Bonuses are cut")
    await boss.say("/share post 2 #Audit")
    out = await anna.say("/feed")
    assert "«Bonuses are cut» из закрытой группы Board с группой Audit." in out, out
    assert out.count(told) == 1, out  # one notice a share, however many it reached

    # an open group's post, and one's own sharing, tell nobody
    await boss.say("/groups new Open")
    await anna.say("/groups join Open")
    await anna.say("/post #Open Lunch menu")
    await boss.say("/share post 3 @Petr")
    await anna.say("/post #Board Third secret")
    await anna.say("/share post 4 @Petr")
    assert told not in await anna.say("/feed"), anna.last


async def test_a_polls_deadline_closes_it_and_tells_its_author_voters_and_chat(
    app: App,
) -> None:
    """The planner closes a poll whose deadline passed: its author gets the results,
    the group's bound chat too, who voted a short notice (unless they muted the poll);
    a second tick, as after a restart, sends nothing more."""
    from datetime import timedelta

    from sqlalchemy import select

    from handlers.events import ChatRef, Incoming, Sender
    from handlers.markup import to_plain
    from handlers.views import View
    from models.outbox import OutboxMessage
    from scheduler import planner

    boss, anna, petr = await team(app)
    await boss.say("/groups new Board")
    await boss.say("/groups add Board @Anna @Petr")
    ws = app.workspace
    room = ChatRef(platform="console", chat_id="room-board", private=False)
    await ws.handle(
        Incoming(
            chat=room,
            sender=Sender(external_id="boss", name="Boss"),
            kind="command",
            command="bind",
            args="Board",
        )
    )
    await boss.say("/poll #Board Offsite where? | Riga | Tallinn | until tomorrow 18:00")
    await anna.say("/feed")
    await anna.press("Riga")
    await petr.say("/feed")
    await petr.press("Riga")
    await petr.say("/inbox")
    assert "Muted" in await petr.press("🔕")
    maker = ws.sessionmaker

    async def rows() -> list[tuple[int | None, int | None, str]]:
        async with maker() as s:
            found = await s.execute(
                select(
                    OutboxMessage.user_id, OutboxMessage.group_id, OutboxMessage.payload
                ).order_by(OutboxMessage.id)
            )
            return [(u, g, to_plain(View.from_dict(p).body)) for u, g, p in found.all()]

    before = len(await rows())
    await planner.tick(maker, now=datetime.now(UTC) + timedelta(hours=1))
    assert len(await rows()) == before  # not yet
    stats = await planner.tick(maker, now=datetime.now(UTC) + timedelta(days=2))
    assert stats.polls == 1
    new = (await rows())[before:]
    (chat,) = [text for _u, group, text in new if group is not None]
    assert "Voting is over." in chat and "Winner: Riga" in chat, chat
    out = await boss.say("/groups")
    assert "Your poll «Offsite where?» is closed: its deadline has passed." in out, out
    assert "Riga: ██████████ 2" in out and "Winner: Riga" in out, out
    out = await anna.say("/groups")
    assert "The poll «Offsite where?» is closed." in out, out
    out = await petr.say("/groups")
    assert "is closed" not in out, out  # he muted it
    stats = await planner.tick(maker, now=datetime.now(UTC) + timedelta(days=2, minutes=1))
    assert stats.polls == 0 and len(await rows()) == before + len(new)
    out = await anna.say("/feed")
    await anna.press("Offsite where?")
    assert "Voting is over." in anna.last, anna.last


async def test_comments_on_one_post_gather_in_one_notice_until_it_is_read(app: App) -> None:
    """Twelve comments on Boss's post: while his notice of them is unread and its message
    still waits to go out, each new one updates it ("12 new comments …") instead of
    sending another message; a mention still reaches its person on its own; once the
    message has told him, or he opens the post, the next comment is news."""
    from sqlalchemy import func, select

    from models.notifications import Notification
    from models.outbox import OutboxMessage
    from models.teams import User

    boss, anna, petr = await team(app)
    await boss.say("/post Offsite plan")

    async def waiting(name: str, kind: str) -> int:
        async with app.workspace.sessionmaker() as s:
            return int(
                await s.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .join(User, User.id == OutboxMessage.user_id)
                    .where(User.name == name, OutboxMessage.kind == kind)
                )
                or 0
            )

    for who in (anna, petr):
        for i in range(6):
            await who.say(f"/post 1 comment Idea {i} from {who.console.name}")
    assert await waiting("Boss", "comment") == 1, "one message about the comments"
    out = await boss.say("/inbox")
    assert "12 new comments on «Offsite plan»: last by Petr: Idea 5 from Petr" in out, out
    assert out.count("💬") == 1, out  # one notice in his centre too
    # Anna hears of Petr's comments after hers: one message, gathered
    assert await waiting("Anna", "comment") == 1
    await petr.say("/post 1 comment @Anna what do you think?")
    assert await waiting("Anna", "mention") == 1  # a mention is her own
    out = await anna.say("/inbox")
    assert "6 new comments on «Offsite plan»: last by Petr: Idea 5 from Petr" in out, out
    assert "Petr mentioned you under «Offsite plan»" in out, out
    # her answer shows she has read them: Petr's reply to it is news again
    await anna.say("/post 1 comment Sounds good")
    await petr.say("/post 1 comment Great")
    assert await waiting("Anna", "comment") == 2
    # the message told Boss of the twelve: the three after them are news, gathered
    assert await waiting("Boss", "comment") == 2
    out = await boss.say("/inbox")
    assert "3 new comments on «Offsite plan»: last by Petr: Great" in out, out
    assert "12 new comments on «Offsite plan»" in out, out

    await boss.say("/post 1")  # read: the next comment is a new notice
    await anna.say("/post 1 comment One more")
    assert await waiting("Boss", "comment") == 3
    out = await boss.say("/inbox")
    assert "Anna commented on «Offsite plan»: One more" in out, out
    async with app.workspace.sessionmaker() as s:
        assert (
            await s.scalar(
                select(func.count())
                .select_from(Notification)
                .join(User, User.id == Notification.user_id)
                .where(User.name == "Boss", Notification.kind == "comment")
            )
        ) == 3


async def test_each_digest_tells_of_the_comments_since_the_last_one(app: App) -> None:
    """Boss takes an hourly digest: the first tells of Anna's comment, the next of the
    five Petr wrote after it, gathered in one line (a notice a digest told of gathers no
    more)."""
    from sqlalchemy import update

    from handlers.digest import queue_digests
    from models.notifications import NotificationSettings

    boss, anna, petr = await team(app)
    await boss.say("/post Offsite plan")
    await boss.say("/inbox digest hourly")

    async def digest() -> str:
        async with app.workspace.sessionmaker() as s, s.begin():
            await s.execute(update(NotificationSettings).values(last_digest_at=None))
            assert await queue_digests(s) == 1
        return await boss.say("/help")  # the digest comes with his next line

    await anna.say("/post 1 comment first idea")
    out = await digest()
    assert "Digest: 1 notification" in out and "Anna commented on «Offsite plan»: first idea" in out
    for i in range(5):
        await petr.say(f"/post 1 comment later idea {i}")
    out = await digest()
    assert "Digest: 1 notification" in out, out
    assert "5 new comments on «Offsite plan»: last by Petr: later idea 4" in out, out


async def test_deleting_the_newest_comment_leaves_the_notice_of_the_others(app: App) -> None:
    """Anna comments three times and Petr once; Petr deletes his: Boss's notice says
    again what it said before it came (three comments, the last Anna's), and so does its
    message, still waiting; it never quotes the deleted text."""
    boss, anna, petr = await team(app)
    await boss.say("/post Offsite plan")
    for i in range(3):
        await anna.say(f"/post 1 comment Anna idea {i}")
    await petr.say("/post 1 comment Petr typo")
    await petr.press("Delete my comment")
    out = await petr.press("Yes, delete it")
    assert "Petr typo" not in out, out
    out = await boss.say("/inbox")
    assert "Petr typo" not in out, out
    assert out.count("3 new comments on «Offsite plan»: last by Anna: Anna idea 2") == 2, out
    # the next comment gathers in it again, counted from there
    await boss.say("/help")
    await anna.say("/post 1 comment Anna idea 3")
    out = await boss.say("/inbox")
    assert "Anna commented on «Offsite plan»: Anna idea 3" in out, out


async def test_two_comments_at_once_gather_in_one_notice(app: App, db_url: str) -> None:
    """Two processes tell Boss of a comment on his post at the same moment: the second
    waits for the first and gathers into its notice (one notice, one message, both
    counted), and the next comment counts on from there."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    import asyncio

    from sqlalchemy import func, select, text

    from models.notifications import Notification
    from models.outbox import OutboxMessage
    from models.teams import User
    from services import notifications

    boss, anna, petr = await team(app)
    await boss.say("/post Offsite plan")
    maker = app.workspace.sessionmaker
    batch = "comments:post:1"
    first_done, release = asyncio.Event(), asyncio.Event()

    async def comment(who: str, wait: bool) -> int:
        async with maker() as s, s.begin():
            user = await s.scalar(select(User).where(User.name == "Boss"))
            assert user is not None
            count = await notifications.batch_size(s, user.id, batch) + 1
            body = {"body": [["text", f"{who}: {count}"]], "ref": "post:1:9"}
            await notifications.notify(
                s, user, kind="comment", payload=body, ref="post:1:9", batch=batch
            )
            if wait:
                first_done.set()
                await release.wait()  # commit only once the second one waits on us
            return count

    async def blocked() -> bool:
        async with maker() as s:
            waiting = await s.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            )
            return bool(waiting)

    first = asyncio.create_task(comment("Anna", wait=True))
    await first_done.wait()
    second = asyncio.create_task(comment("Petr", wait=False))
    for _ in range(500):
        if await blocked():
            break
    else:
        raise AssertionError("the second comment never waited for the first")
    release.set()
    assert await asyncio.gather(first, second) == [1, 2]
    await anna.say("/post 1 comment third")
    async with maker() as s:
        rows = (
            await s.scalars(
                select(Notification)
                .join(User, User.id == Notification.user_id)
                .where(User.name == "Boss", Notification.kind == "comment")
            )
        ).all()
        assert [r.payload[notifications.BATCH_SIZE] for r in rows] == [3]
        messages = await s.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .join(User, User.id == OutboxMessage.user_id)
            .where(User.name == "Boss", OutboxMessage.kind == "comment")
        )
        assert messages == 1


async def test_an_action_on_a_post_one_cannot_see_is_not_a_new_post(app: App) -> None:
    """`/post 1 comment …` on a deleted post, a closed group's post one is not in, a
    mistyped or negative number: not found, and nothing is published."""
    boss, anna, petr = await team(app)
    await boss.say("/groups new Board closed")
    await boss.say("/groups add Board @Anna")
    await boss.say("/post #Board Draft of the reorg plan")  # post 1
    await boss.say("/post 1 delete")
    await boss.press("Yes")
    await boss.say("/post #Board Second draft")  # post 2, Petr is not in Board
    lines = [
        (anna, "/post 1 comment Petr should go"),  # deleted
        (anna, "/post 1 edit fixed typo"),
        (petr, "/post 2 comment what is this?"),  # a closed group's he is not in
        (petr, "/post 2 удалить"),
        (petr, "/post 7 edit fixed typo"),  # there is none
        (petr, "/post #7 comment hi"),
        (petr, "/post -5"),
        (petr, "/post 0"),
    ]
    for who, line in lines:
        out = await who.say(line)
        assert out.startswith("Not found, or you have no access to it."), (line, out)
        assert "Posted" not in out, (line, out)
    other = ConsoleDriver(app, user="Olga", lang="en")  # another team's admin
    await other.say("/start")
    for line in ("/post 2 comment hacked", "/post 2 edit hacked", "/post 2 delete"):
        out = await other.say(line)
        assert out.startswith("Not found, or you have no access to it."), (line, out)
        assert "Posted" not in out, (line, out)
    for who in (petr, other):
        out = await who.say("/feed")
        assert "Nothing here yet." in out, out
    out = await anna.say("/feed")
    assert "Feed (1)" in out and "Second draft" in out, out

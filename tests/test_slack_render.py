"""Block Kit rendering: escaping, Slack's limits, buttons, modals."""

from __future__ import annotations

from bot.slack import modals
from bot.slack.render import escape, home_view, mrkdwn, render, unescape
from handlers.markup import Span, bold, code, italic, link, mention
from handlers.views import Button, View


def test_every_person_string_is_escaped() -> None:
    body = [
        bold("<!channel> & co"),
        Span(" <@U123> "),
        italic("a>b"),
        Span(" "),
        code("x<y"),
        link("site <b>", "https://e.x/?a=1&b=2|3"),
        Span(" "),
        mention("Anna", "slack:U0ANNA"),
        Span(" "),
        mention("<!here>", "telegram:5"),
    ]
    text = mrkdwn(body)
    assert "<!channel>" not in text and "<@U123>" not in text and "<!here>" not in text
    assert text.startswith("*&lt;!channel&gt; &amp; co* &lt;@U123&gt; _a&gt;b_ `x&lt;y`<")
    assert "<https://e.x/?a=1&amp;b=2%7C3|site &lt;b&gt;>" in text
    assert "<@U0ANNA>" in text and "@&lt;!here&gt;" in text
    assert unescape(escape("<a & b>")) == "<a & b>"


def test_bold_keeps_spaces_and_newlines_outside_the_marks() -> None:
    assert mrkdwn([bold(" Title \nnext")]) == " *Title* \n*next*"


def test_a_mark_inside_a_marked_span_does_not_end_it() -> None:
    from handlers.markup import italic

    assert mrkdwn([bold("2*3 = 6 and 4*5")]) == "*2∗3 = 6 and 4∗5*"
    assert mrkdwn([italic("snake_case_name")]) == "_snakeˍcaseˍname_"
    # a name reads the same in bold (a list, a card's title) as in a plain line
    assert mrkdwn([bold("Bo*ris_ ~x~"), Span(" / Bo*ris_ ~x~")]) == "*Bo∗risˍ ∼x∼* / Bo∗risˍ ∼x∼"


def test_long_text_is_split_into_sections_within_3000_characters() -> None:
    lines = [f"line {n} " + "&" * 40 for n in range(400)]
    view = View(body=[Span("\n".join(lines))])
    messages = render(view)
    sections = [b for m in messages for b in m.blocks if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= 3000 for b in sections)
    assert all(len(m.blocks) <= 50 for m in messages)
    joined = "\n".join(b["text"]["text"] for b in sections)
    assert joined.count("&amp;") == 400 * 40


def test_more_than_50_blocks_become_several_messages_buttons_last() -> None:
    view = View(body=[Span("\n".join("x" * 2900 for _ in range(60)))])
    view.row(Button("Next", "grp:l:2"))
    messages = render(view)
    assert len(messages) == 2
    assert [len(m.blocks) for m in messages] == [50, 11]
    assert messages[-1].blocks[-1]["type"] == "actions"
    assert all(m.text for m in messages)


def test_buttons_carry_the_neutral_action_and_rows_fit_25() -> None:
    view = View(body=[Span("pick")])
    view.row(*[Button(f"B{n}", f"x:{n}") for n in range(30)])
    view.row(Button("L" * 100, "grp:l:1"), Button("Again", "grp:l:1"))
    blocks = render(view)[0].blocks
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(b["elements"]) for b in actions] == [25, 5, 2]
    ids = [e["action_id"] for b in actions for e in b["elements"]]
    assert len(set(ids)) == len(ids)
    assert actions[0]["elements"][3]["value"] == "x:3"
    assert len(actions[2]["elements"][0]["text"]["text"]) == 75


def test_empty_view_renders_nothing_and_home_joins_views() -> None:
    assert render(View()) == []
    home = home_view([View(body=[Span("a")]).row(Button("A", "a:1")), View(body=[Span("b")])])
    assert home["type"] == "home"
    assert [b["type"] for b in home["blocks"]] == ["section", "actions", "divider", "section"]


def test_modal_from_a_neutral_form_and_back() -> None:
    form = {
        "name": "group_new",
        "title": "A very long form title that Slack would refuse",
        "fields": [
            {"name": "name", "label": "Name?", "optional": False, "multiline": False},
            {"name": "note", "label": "Note?", "optional": True, "multiline": True},
            {"name": "access", "label": "Open?", "choices": [["Open", "open"], ["Closed", "c"]]},
        ],
    }
    view = modals.modal(form, {"c": "C1"}, submit="Save", close="Cancel")
    assert len(view["title"]["text"]) <= 24
    assert [b["block_id"] for b in view["blocks"]] == ["name", "note", "access", "access__typed"]
    assert view["blocks"][1]["optional"] is True
    assert view["blocks"][1]["element"]["multiline"] is True
    assert view["blocks"][2]["element"]["type"] == "static_select"
    assert modals.metadata_of(view) == {"f": "group_new", "c": "C1"}
    state = {
        "values": {
            "name": {"v": {"type": "plain_text_input", "value": "Ops"}},
            "note": {"v": {"type": "plain_text_input", "value": None}},
            "access": {"v": {"type": "static_select", "selected_option": {"value": "c"}}},
            "access__typed": {"v": {"type": "plain_text_input", "value": None}},
        }
    }
    assert modals.submitted_values({"state": state}) == {"name": "Ops", "note": "", "access": "c"}
    # a typed answer wins over the quick pick
    state["values"]["access__typed"]["v"]["value"] = "closed"
    assert modals.submitted_values({"state": state})["access"] == "closed"
    assert view["blocks"][2]["optional"] is True and view["blocks"][3]["optional"] is True
    assert not modals.can_show({"name": "x", "fields": [{"name": "f", "file": True}]})
    assert not modals.can_show(None)


async def test_slack_entities_become_what_was_typed() -> None:
    from bot.slack.people import People

    class Client:
        async def users_info(self, user: str, include_locale: bool) -> dict:
            return {"user": {"id": user, "name": "boris"}}

    people = People(Client())  # type: ignore[arg-type]
    text = (
        "add <@U1|anna> <@U2> in <#C1|general> &lt;!channel&gt; <!here> <https://x.y/?a=1&amp;b|x>"
    )
    assert (
        await people.readable(text)
        == "add @anna @boris in #general <!channel> @here https://x.y/?a=1&b"
    )
    said = "ping <!subteam^S0123|@devs> by <!date^1392734382^{date}|Feb 18, 2014>"
    assert await people.readable(said) == "ping @devs by Feb 18, 2014"  # their labels


def test_slash_command_text_splits_into_command_and_args() -> None:
    from bot.slack.commands import split_command

    assert split_command("task Buy milk tomorrow") == ("task", "Buy milk tomorrow")
    assert split_command("  /Groups   new Sales ") == ("groups", "new Sales")
    assert split_command("") == ("help", "")


def test_commands_are_written_as_slack_users_type_them() -> None:
    from bot.slack.render import Commands

    typed = Commands("/planerka", frozenset({"task", "help", "menu"}))
    assert typed.rewrite("Send /help, or /menu.") == "Send /planerka help, or /planerka menu."
    assert (
        typed.rewrite("Create one: /task Call Ivanov") == "Create one: /planerka task Call Ivanov"
    )
    # not a command of ours, a path, a link or a date: left alone
    assert typed.rewrite("/giphy cats, a/task, https://x.io/task, 12/11") == (
        "/giphy cats, a/task, https://x.io/task, 12/11"
    )


def test_only_the_bots_own_words_get_the_slash_command() -> None:
    from bot.slack.render import Commands
    from handlers.i18n import Translator
    from handlers.markup import Span, code

    typed = Commands("/planerka", frozenset({"start", "help", "menu", "team", "post"}))
    en = Translator("en")
    hint = en("Send /help to see what I can do, or /menu for the sections.")
    assert "/planerka help" in mrkdwn(typed.markup(hint))
    assert mrkdwn(typed.markup([code("/team")])) == "`/planerka team`"
    assert mrkdwn(typed.markup([Span("Send /help")])) == "Send /help"  # someone's note
    ru = Translator("ru")
    unknown = ru("Unknown command /{name}. Send /help for the list.", name="xyz")
    assert "/planerka help" in mrkdwn(typed.markup(unknown)), mrkdwn(unknown)
    people = [bold("#7 Fix the /start page"), Span(" and /team docs, a/b /post")]
    assert mrkdwn(typed.markup(people)) == "*#7 Fix the /start page* and /team docs, a/b /post"


def test_marks_in_a_persons_plain_text_format_nothing() -> None:
    said = "*URGENT* wire money to ~old~ _new_ account `1234` <!channel>"
    text = mrkdwn([Span(said)])
    assert not any(mark in text for mark in "*_~`"), text
    assert text == "∗URGENT∗ wire money to ∼old∼ ˍnewˍ account ˋ1234ˋ &lt;!channel&gt;"
    # addresses stay links, "_" within a word stays as typed, escaping is kept
    text = mrkdwn([Span("see https://x.y/a_b/~c?q=1&r=2 or www.x.y/_d_ for file_name.py")])
    assert text == "see https://x.y/a_b/~c?q=1&amp;r=2 or www.x.y/_d_ for file_name.py"
    # the bot's own marks still format; a name or a link's label does not
    text = mrkdwn([bold("Title"), Span(" by "), mention("*Boss*", "telegram:5")])
    assert text == "*Title* by @∗Boss∗"
    assert mrkdwn([link("_site_", "https://e.x/_a_")]) == "<https://e.x/_a_|ˍsiteˍ>"

"""How a task's repeat rule is said: on the card of its task and of each copy, and
in the answer that sets it."""

from __future__ import annotations

from typing import Any

from babel.dates import get_day_names

from handlers.core import Ctx
from handlers.i18n import Translator
from handlers.markup import to_plain
from models.tasks import Task, TaskRecurrence
from services.errors import N_

LAST_DAY = 31  # a month's day 31 reads as its own last day
KIND_NAMES = {"daily": N_("daily"), "weekly": N_("weekly"), "monthly": N_("monthly")}


def repeat_kind(tr: Translator, rule: TaskRecurrence) -> str:
    """ "on workdays", "every week on Mon, Fri", "every 2 weeks", "monthly on day 5"."""
    days = sorted({int(d) for d in (rule.weekdays or "").split(",") if d.strip().isdigit()})
    if rule.week_step > 1:
        return to_plain(tr.n("every {n} week", "every {n} weeks", rule.week_step))
    if rule.kind == "weekly" and days == [0, 1, 2, 3, 4]:
        return tr.s("on workdays")
    if rule.kind == "weekly" and days:
        names = get_day_names("abbreviated", locale=tr.lang)
        return tr.s("every week on {days}", days=", ".join(names[d] for d in days))
    if rule.kind == "monthly" and rule.month_day >= LAST_DAY:
        return tr.s("monthly on the last day of the month")
    if rule.kind == "monthly":
        return tr.s("monthly on day {day}", day=str(rule.month_day))
    return tr.s(KIND_NAMES[rule.kind])


async def repeat_line(ctx: Ctx, task: Task) -> list[Any] | None:
    """The card's line on the task's repeat: the rule on its template (while it
    repeats), where it came from on a copy; None for a task that never repeated."""
    if task.recurrence_id is None:
        return None
    rule = await ctx.session.get(TaskRecurrence, task.recurrence_id)
    if rule is None:
        return None
    tr = ctx.tr
    if rule.template_task_id != task.id:
        return tr("🔁 A copy of the repeating task #{id}", id=str(rule.template_task_id))
    if not rule.active:
        return None
    args = {
        "kind": repeat_kind(tr, rule),
        "time": f"{rule.hour:02d}:{rule.minute:02d}",
        "when": tr.when(rule.next_at),
    }
    if rule.timezone == tr.timezone:
        return tr("🔁 Repeats {kind} at {time}; the next copy is created {when}", **args)
    return tr(
        "🔁 Repeats {kind} at {time} in the responsible's zone ({zone}); the next copy "
        "is created {when}",
        zone=rule.timezone,
        **args,
    )

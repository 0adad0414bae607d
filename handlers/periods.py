"""A report period (services.parsing_periods) as a title names it, for every report
that takes one (CRM reports, a group's report)."""

from __future__ import annotations

from handlers.i18n import Translator
from services.parsing_periods import Period


def period_label(tr: Translator, period: Period) -> str:
    """A report period as its title names it: "November 2025", "Q3 2026", "2026"."""
    first = period.first
    if first is None:
        return tr.s("all time")
    if period.kind == "d":
        return tr.day(first)
    if period.kind == "w":
        return tr.s("{first} – {last}", first=tr.day(first), last=tr.day(period.last))
    if period.kind == "m":
        return tr.month(f"{first.year:04d}-{first.month:02d}")
    if period.kind == "q":
        return tr.s("Q{n} {year}", n=(first.month - 1) // 3 + 1, year=first.year)
    return str(first.year)

"""The words of /leads (mine, a status in any of its forms, a source, a period) and the
compact filter the list's buttons carry."""

from __future__ import annotations

import re
from datetime import timedelta

from handlers.core import Ctx
from handlers.crm_card_parts import source_label, stage_label
from services import crm, crm_leads, crm_periods
from services.crm_leads import LeadFilter
from services.errors import N_ as _N
from services.errors import DomainError

MINE_WORDS = {"mine", "my", "мои", "мой", "моё", "моих"}
PERIOD_WORDS = {
    "today": "t",
    "сегодня": "t",
    "сегодняшние": "t",
    "week": "w",
    "неделя": "w",
    "неделю": "w",
    "неделе": "w",
    "недели": "w",
    "month": "m",
    "месяц": "m",
    "месяца": "m",
    "месяце": "m",
    "year": "y",
    "год": "y",
    "года": "y",
    "году": "y",
}
# words a filter is said with that filter nothing: "/leads за неделю", "все лиды с сайта",
# "this week" (never "last": a past period is not this one)
FILLER_WORDS = {
    "за", "на", "в", "во", "с", "со", "по", "от", "из", "этот", "эту", "этой", "этом",
    "этого", "текущий", "текущую", "все", "всё", "лиды", "лидов", "leads", "all", "this",
    "for", "from", "by", "in", "the",
}  # fmt: skip


_ENDINGS = re.compile(r"(?:ные|ный|ная|ное|ых|ые|ый|ая|ое|ой|ие|ий|ы|а|о|е)$")


def _stem(word: str) -> str:
    """A Russian adjective without its ending: "новые", "новый" -> "нов"."""
    stem = _ENDINGS.sub("", word)
    return stem if len(stem) >= 3 else word


async def parse_filter(ctx: Ctx, text: str) -> LeadFilter:
    mine = False
    status = source = None
    since = None
    period = ""
    team = await crm_leads.lead_statuses(ctx.session, ctx.me.team_id)
    statuses = {s.code: s.code for s in team}
    names = {stage_label(ctx, s).casefold(): s.code for s in team}
    names.update({stage_label(ctx, s).casefold().replace(" ", "_"): s.code for s in team})
    for name in sorted((n for n in names if " " in n), key=len, reverse=True):
        # "/leads в работе": a status of several words, as its button says it
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", name.replace(" ", "_"), text, flags=re.I)
    stems = {_stem(name): code_ for name, code_ in names.items()}
    for word in [w.strip().casefold() for w in text.replace(",", " ").split() if w.strip()]:
        if word in FILLER_WORDS:
            continue
        if word in MINE_WORDS:
            mine = True
        elif word in statuses or word in names:
            status = statuses.get(word) or names[word]
        elif _stem(word) in stems:  # "новые", "обработанные": the status, in other forms
            status = stems[_stem(word)]
        elif crm.source_of(word):
            source = crm.source_of(word)
        elif word in PERIOD_WORDS:
            period = PERIOD_WORDS[word]
            since = crm_periods.period_start(period, ctx.me.timezone)
        else:
            raise DomainError(
                _N(
                    "Unknown filter {word}. Use: mine; a status: {statuses}; a source: "
                    "{sources}; a period: today, week, month, year."
                ),
                word=word,
                statuses=", ".join(stage_label(ctx, s) for s in team),
                sources=", ".join(source_label(ctx, code_) for code_ in crm.SOURCES),
            )
    return LeadFilter(mine=mine, status=status, source=source, since=since, period=period)


def filter_code(flt: LeadFilter) -> str:
    """Compact filter for button data: m/-, status code, source, period (t/w/m/y) or days."""
    days = flt.period or "0"
    if flt.since is not None and not flt.period:
        from models.base import utcnow

        days = str(max(1, round((utcnow() - flt.since).total_seconds() / 86400)))
    return f"{'m' if flt.mine else '-'}.{flt.status or '-'}.{flt.source or '-'}.{days}"


def filter_from_code(code_: str, tz: str = "UTC") -> LeadFilter:
    parts = (code_.split(".") + ["-", "-", "-", "0"])[:4]
    since = None
    period = parts[3] if parts[3] in ("t", "w", "m", "y") else ""
    if period:
        since = crm_periods.period_start(period, tz)
    elif parts[3].isdigit() and int(parts[3]) > 0:
        from models.base import utcnow

        since = utcnow() - timedelta(days=min(int(parts[3]), 3660))
    codes = {c for c, _ in crm.LEAD_STATUSES} | {f"s{n}" for n in range(1, 100)}
    return LeadFilter(
        mine=parts[0] == "m",
        status=parts[1] if parts[1] in codes else None,
        source=parts[2] if parts[2] in crm.SOURCES else None,
        since=since,
        period=period,
    )

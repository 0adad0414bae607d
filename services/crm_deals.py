"""Deals in pipelines with stages, products on deals, and lead conversion."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.crm import CrmDeal, CrmDealItem, CrmPipeline, CrmStage
from services.access import Actor, require_admin
from services.crm import (
    add_history,
    create_pipeline_rows,
    get_visible,
    scope_of,
    settings_of,
    stage_name,
    visible,
)
from services.crm_parse import MULTIPLIERS, currency_code
from services.crm_rights import get_editable
from services.errors import N_, DomainError, bare, not_found
from services.pagination import Page, paginate

CURRENCIES = ("RUB", "USD", "EUR", "KZT", "BYN", "UAH", "CNY", "GBP")
CURRENCY_WORDS = {
    "₽": "RUB",
    "руб": "RUB",
    "руб.": "RUB",
    "р": "RUB",
    "р.": "RUB",
    "rub": "RUB",
    "$": "USD",
    "usd": "USD",
    "€": "EUR",
    "eur": "EUR",
    "kzt": "KZT",
    "byn": "BYN",
    "uah": "UAH",
    "cny": "CNY",
    "gbp": "GBP",
    "£": "GBP",
    "рубль": "RUB",
    "рубля": "RUB",
    "рублей": "RUB",
    "dollar": "USD",
    "dollars": "USD",
    "доллар": "USD",
    "доллара": "USD",
    "долларов": "USD",
    "долл": "USD",
    "долл.": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "евро": "EUR",
    "тенге": "KZT",
    "pounds": "GBP",
}
# digits in thousands groups ("150 000") or in one run: "Office 365 12000" is 12 000
AMOUNT_RE = re.compile(
    r"(?P<num>(?P<us>\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?)"  # 2,500 and 1,250.75
    r"|(?P<eu>\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?)"  # 2.500 and 1.250,75
    r"|(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d{1,2})?)"  # 150 000, 99,90, 2.5
    r"\s*(?P<k>k|к|тыс\.?|тысяч[аи]?|m|mln|млн\.?|миллион(?:а|ов)?|bn|млрд\.?"
    r"|т\.\s?р\.?|тр\b)?\s*"
    r"(?P<cur>₽|\$|€|£|рубл(?:ь|я|ей)|руб\.?|р\.?|rub|usd|eur|kzt|byn|uah|cny|gbp|"
    r"dollars?|доллар(?:а|ов)?|долл\.?|euros?|евро|тенге|pounds)?\s*$",
    re.IGNORECASE,
)


MAX_AMOUNT = 10**15  # minor units: ten trillion, far above any deal, within a BIGINT


class AmountTooLarge(DomainError):
    pass


# a currency's ISO code after an amount: "100 JPY", "100XYZ" (upper case: "365 app" is
# no amount in yen or in anything)
_ISO_AFTER = re.compile(r"(?:(?<=\d)|\s)(?P<iso>[A-Z]{3})$")


def parse_money(text: str) -> tuple[int, str | None]:
    """'150 000 руб' -> (15000000, 'RUB'); amounts in minor units. A negative amount,
    one too large, and a currency code that names none are refused."""
    raw = text.strip().lower()
    if raw[:1] in ("-", "−"):
        raise DomainError(N_("An amount cannot be negative: {text}."), text=text.strip()[:40])
    iso = _ISO_AFTER.search(text.strip())
    said_code = None
    if iso is not None and iso["iso"].lower() not in CURRENCY_WORDS:  # "100 JPY", "100 XXX"
        said_code = currency_code(iso["iso"])
        raw = raw[: -len(iso["iso"])].rstrip()
    head = ""
    for sign in ("$", "€", "₽", "£"):
        if raw.startswith(sign):
            head, raw = sign, raw[1:].strip()
    code = re.match(r"([a-z]{3})\s*(?=\d)", raw)
    if not head and code and code.group(1) in CURRENCY_WORDS:  # "USD 15000"
        head, raw = code.group(1), raw[code.end() :]
    match = AMOUNT_RE.match(raw)
    if not match:
        raise DomainError(N_("I could not read {text} as an amount, e.g. 150000 RUB."), text=text)
    try:
        number = re.sub(r"[ \u00a0\u202f]", "", match.group("num"))
        if match.group("us"):
            number = number.replace(",", "")
        elif match.group("eu"):
            number = number.replace(".", "")
        value = Decimal(number.replace(",", "."))
    except InvalidOperation:
        raise DomainError(
            N_("I could not read {text} as an amount, e.g. 150000 RUB."), text=text
        ) from None
    mult = "".join((match.group("k") or "").lower().split()).rstrip(".")
    cur = match.group("cur") or head
    if mult in ("т.р", "тр"):  # "150 т.р.": thousands of roubles
        mult, cur = "тыс", cur or "rub"
    value *= MULTIPLIERS.get(mult, 1)
    if value * 100 >= MAX_AMOUNT:
        raise AmountTooLarge(N_("{text} is too large for an amount."), text=text.strip()[:40])
    currency = CURRENCY_WORDS.get(cur.lower()) if cur else None
    return int(value * 100), said_code or currency


_CODE_FIRST = re.compile(r"(?:usd|eur|rub|gbp|kzt|byn|uah|cny)\s*\d", re.IGNORECASE)


# what may follow an amount and belongs to the title: "Аренда 50 тыс в месяц"
_PER_PERIOD = re.compile(
    r"(?:\s+(?P<period>(?:в|за|per|a|an)\s+(?:месяц|мес\.?|год|неделю|month|year|week)"
    r"|ежемесячно|ежегодно|monthly|yearly)"
    r"|\s*(?P<short>/\s*(?:мес|месяц|год|mo|month|yr|year)\.?))\s*$",
    re.IGNORECASE,
)


def split_title_amount(text: str) -> tuple[str, int | None, str | None]:
    """'Website redesign 150000 RUB' -> ('Website redesign', 15000000, 'RUB'); a period
    after the amount stays in the title ('Аренда 50 тыс в месяц' -> 'Аренда, в месяц')."""
    period = _PER_PERIOD.search(text)
    if period is not None:
        title, amount, currency = split_title_amount(text[: period.start()])
        if amount is not None:
            said = period["period"] or period["short"].lstrip("/ ")
            return f"{title}, {said}", amount, currency
    words = text.split()
    unread: DomainError | None = None  # an amount with its currency that could not be read
    for cut in range(max(0, len(words) - 4), len(words)):
        tail = " ".join(words[cut:])
        if (
            not tail
            or not tail.lstrip("-−")[:1].isdigit()
            and tail[0] not in "$€₽£"
            and not _CODE_FIRST.match(tail)
        ):
            continue
        try:
            amount, currency = parse_money(tail)
        except AmountTooLarge:
            raise
        except DomainError as err:
            if _says_currency(words[-1]):  # "-100 RUB", "1e308 RUB", "100 XXX"
                unread = err
            continue
        return _before_amount(words[:cut]), amount, currency
    if unread is not None:  # not kept in the title with no amount, as the form refuses it
        raise unread
    return text.strip(), None, None


def _says_currency(word: str) -> bool:
    """Whether a deal line's last word names a currency: one the parser knows ("руб",
    "$"), or a code written as ISO codes are ("XXX")."""
    return word.lower() in CURRENCY_WORDS or re.fullmatch(r"[A-Z]{3}", word) is not None


# what a title says just before its amount and that belongs to the amount: "Диван на
# 75 тыс", "Ремонт на сумму 2 млн", "Audit for 5000 USD", "Стол — 10 000 ₽"
_LEADING_AMOUNT = {
    "на", "за", "по", "до", "от", "в", "с", "сумма", "сумму", "суммой", "стоимость",
    "стоимостью", "ценой", "for", "at", "of", "amount", "—", "–", "-", ":", "=",
}  # fmt: skip


def _before_amount(words: list[str]) -> str:
    """A title without the words that lead to its amount (never all of it)."""
    end = len(words)
    while end > 1 and words[end - 1].casefold().rstrip(":") in _LEADING_AMOUNT | {""}:
        end -= 1
    return " ".join(words[:end]).rstrip(" :—–-")


# -- pipelines and stages ---------------------------------------------------------------


async def pipelines(session: AsyncSession, actor: Actor) -> list[CrmPipeline]:
    await scope_of(session, actor)
    rows = await session.scalars(
        select(CrmPipeline)
        .where(CrmPipeline.team_id == actor.team_id)
        .order_by(CrmPipeline.sort, CrmPipeline.id)
    )
    return list(rows)


async def get_pipeline(session: AsyncSession, actor: Actor, pipeline_id: int) -> CrmPipeline:
    pipeline = await session.get(CrmPipeline, pipeline_id)
    if pipeline is None or pipeline.team_id != actor.team_id:
        raise not_found()
    return pipeline


async def create_pipeline(session: AsyncSession, actor: Actor, name: str) -> CrmPipeline:
    require_admin(actor)
    await settings_of(session, actor.team_id)
    name = " ".join(name.split())[:100]
    if not name:
        raise DomainError(N_("A pipeline needs a name."))
    existing = await pipelines(session, actor)
    if any(p.name.casefold() == name.casefold() for p in existing):
        raise DomainError(N_("A pipeline named {name} already exists."), name=name)
    return await create_pipeline_rows(session, actor.team_id, name, len(existing))


async def stages(session: AsyncSession, team_id: int, pipeline_id: int) -> list[CrmStage]:
    rows = await session.scalars(
        select(CrmStage)
        .where(CrmStage.team_id == team_id, CrmStage.pipeline_id == pipeline_id)
        .order_by(CrmStage.sort, CrmStage.id)
    )
    return list(rows)


async def add_stage(session: AsyncSession, actor: Actor, pipeline_id: int, name: str) -> CrmStage:
    """A pipeline's own stage, placed before won and lost."""
    require_admin(actor)
    pipeline = await get_pipeline(session, actor, pipeline_id)
    name = " ".join(name.split())[:100]
    if not name:
        raise DomainError(N_("A stage needs a name."))
    current = await stages(session, actor.team_id, pipeline.id)
    if any(bare(stage_name(s)).casefold() == name.casefold() for s in current):
        raise DomainError(N_("A stage named {name} already exists."), name=name)
    opened = [s for s in current if s.kind == "open"]
    sort = (opened[-1].sort if opened else 0) + 1
    for stage in current:
        if stage.kind != "open" and stage.sort >= sort:
            stage.sort += 1
    stage = CrmStage(
        team_id=actor.team_id,
        pipeline_id=pipeline.id,
        code=f"s{len(current) + 1}",
        name=name,
        sort=sort,
        kind="open",
    )
    session.add(stage)
    await session.flush()
    return stage


# -- deals -------------------------------------------------------------------------------


async def create_deal(
    session: AsyncSession,
    actor: Actor,
    title: str,
    *,
    amount: int | None = None,
    currency: str | None = None,
    pipeline_id: int | None = None,
    contact_id: int | None = None,
    company_id: int | None = None,
    lead_id: int | None = None,
) -> CrmDeal:
    await scope_of(session, actor)
    settings = await settings_of(session, actor.team_id)
    title = " ".join(title.split())[:200]
    if not title:
        raise DomainError(N_("A deal needs a title."))
    if pipeline_id is None:
        pipeline = (await pipelines(session, actor))[0]
    else:
        pipeline = await get_pipeline(session, actor, pipeline_id)
    if contact_id is not None:
        await get_visible(session, actor, "contact", contact_id)
    if company_id is not None:
        await get_visible(session, actor, "company", company_id)
    first = (await stages(session, actor.team_id, pipeline.id))[0]
    deal = CrmDeal(
        team_id=actor.team_id,
        title=title,
        pipeline_id=pipeline.id,
        stage_id=first.id,
        amount=max(0, amount or 0),
        currency=currency or settings.currency,
        owner_id=actor.user_id,
        lead_id=lead_id,
        contact_id=contact_id,
        company_id=company_id,
        lost_reason="",
        custom={},
    )
    session.add(deal)
    await session.flush()
    await add_history(session, actor, "deal", deal.id, N_("Deal created"))
    return deal


async def get_deal(session: AsyncSession, actor: Actor, deal_id: int) -> CrmDeal:
    deal: CrmDeal = await get_visible(session, actor, "deal", deal_id)
    return deal


async def get_deal_to_change(session: AsyncSession, actor: Actor, deal_id: int) -> CrmDeal:
    """A deal the actor may change (services.crm_rights): its stage, amount, products."""
    deal: CrmDeal = await get_editable(session, actor, "deal", deal_id)
    return deal


async def list_deals(
    session: AsyncSession,
    actor: Actor,
    *,
    mine: bool = False,
    state: str | None = None,  # open | won | lost
    pipeline_id: int | None = None,
    page: int = 1,
    per_page: int = 8,
) -> Page[CrmDeal]:
    query = await deal_query(session, actor, mine=mine, state=state, pipeline_id=pipeline_id)
    return await paginate(session, query.order_by(CrmDeal.id.desc()), page, per_page)


async def deal_query(
    session: AsyncSession,
    actor: Actor,
    *,
    mine: bool = False,
    state: str | None = None,
    pipeline_id: int | None = None,
) -> Select[Any]:
    """The visible deals matching a filter (unordered)."""
    scope = await scope_of(session, actor)
    query = visible(CrmDeal, actor, scope)
    if mine:
        query = query.where(CrmDeal.owner_id == actor.user_id)
    if pipeline_id is not None:
        query = query.where(CrmDeal.pipeline_id == pipeline_id)
    if state is not None:
        query = query.where(CrmDeal.stage_id.in_(select(CrmStage.id).where(CrmStage.kind == state)))
    return query


async def move_deal(
    session: AsyncSession, actor: Actor, deal_id: int, stage_id: int, reason: str = ""
) -> tuple[CrmDeal, CrmStage, CrmStage]:
    """Move a deal to a stage of its pipeline; 'lost' needs a reason. Returns (deal, old, new)."""
    deal = await get_deal_to_change(session, actor, deal_id)
    new = await session.get(CrmStage, stage_id)
    if new is None or new.team_id != actor.team_id or new.pipeline_id != deal.pipeline_id:
        raise DomainError(N_("That stage is not in this deal's pipeline."))
    old = await session.get(CrmStage, deal.stage_id)
    assert old is not None
    if new.id == old.id:
        raise DomainError(N_("The deal is at that stage already."))
    if new.kind == "lost" and not reason.strip():
        raise DomainError(N_("Say why the deal was lost."))
    deal.stage_id = new.id
    if new.kind in ("won", "lost"):
        deal.closed_at = utcnow()
        deal.lost_reason = reason.strip()[:1000] if new.kind == "lost" else ""
    else:
        deal.closed_at = None
        deal.lost_reason = ""
    if new.kind == "lost":
        await add_history(
            session,
            actor,
            "deal",
            deal.id,
            N_("Stage: {stage} ({reason})"),
            stage=stage_name(new),
            reason=deal.lost_reason,
        )
    else:
        await add_history(
            session, actor, "deal", deal.id, N_("Stage: {stage}"), stage=stage_name(new)
        )
    await session.flush()
    return deal, old, new


async def products_currency(session: AsyncSession, deal: CrmDeal) -> str | None:
    """The currency of a deal's product lines (they share one); None without lines."""
    row = (
        await session.execute(
            select(CrmDealItem.currency)
            .where(CrmDealItem.deal_id == deal.id)
            .order_by(CrmDealItem.id)
            .limit(1)
        )
    ).first()
    return None if row is None else row[0] or deal.currency


async def set_amount(
    session: AsyncSession, actor: Actor, deal_id: int, amount: int, currency: str | None
) -> CrmDeal:
    deal = await get_deal_to_change(session, actor, deal_id)
    if amount < 0:
        raise DomainError(N_("An amount cannot be negative."))
    lines = await products_currency(session, deal)
    if currency and lines and currency != lines:
        # its lines keep their prices: a new currency would relabel them, not convert
        raise DomainError(
            N_("This deal's products are priced in {currency}: give its amount in {currency}."),
            currency=lines,
        )
    deal.amount = amount
    if currency:
        deal.currency = currency
    await add_history(
        session,
        actor,
        "deal",
        deal.id,
        N_("Amount: {amount}"),
        amount=money(deal.amount, deal.currency, actor.locale),
    )
    await session.flush()
    return deal


# a currency's sign where the reader's language writes one: a Russian reader expects
# "1 250 000 ₽" on a card and a price tag. Other currencies, and all of them in English,
# keep their ISO code: it is what the team types (/crm currency RUB) and it is never
# ambiguous ($ is several dollars). Exports write the code and bare numbers.
CURRENCY_SIGNS = {"ru": {"RUB": "₽"}}


def currency_label(currency: str, lang: str = "en") -> str:
    """How a currency is named next to an amount for this reader: ₽ or RUB."""
    return CURRENCY_SIGNS.get(lang[:2], {}).get(currency, currency)


def money(minor: int, currency: str, lang: str = "en") -> str:
    """An amount as the reader writes it: "15 000.50 USD"; in Russian "15 000,50 ₽"."""
    whole, cents = divmod(abs(minor), 100)
    text = f"{whole:,}".replace(",", " ")
    if cents:
        text += ("." if lang.startswith("en") else ",") + f"{cents:02d}"
    return ("-" if minor < 0 else "") + f"{text} {currency_label(currency, lang)}"


def money_sum(
    minor: int, currency: str, others: tuple[tuple[str, int], ...], lang: str = "en"
) -> str:
    """Sums in several currencies, each on its own: "10 000 USD + 40 000 GBP"; the
    team's currency is left out when nothing was in it but something was in others."""
    parts = [money(minor, currency, lang)] if minor or not others else []
    parts += [money(amount, other, lang) for other, amount in others]
    return " + ".join(parts)


async def deal_totals(session: AsyncSession, actor: Actor) -> tuple[int, int]:
    """(open deals, won deals) the actor sees."""
    scope = await scope_of(session, actor)
    base = visible(CrmDeal, actor, scope).join(CrmStage, CrmStage.id == CrmDeal.stage_id)
    open_ = await session.scalar(
        select(func.count()).select_from(base.where(CrmStage.kind == "open").subquery())
    )
    won = await session.scalar(
        select(func.count()).select_from(base.where(CrmStage.kind == "won").subquery())
    )
    return int(open_ or 0), int(won or 0)

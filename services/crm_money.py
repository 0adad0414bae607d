"""Money in the CRM: amounts read from what people type ("150 000 руб", "$1,5k", a deal
line "Website redesign 150000 RUB" split into its title and amount) and written for a
reader ("15 000.50 USD"; in Russian "15 000,50 ₽"). Amounts are in minor units.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from services.crm_parse import MULTIPLIERS, currency_code
from services.errors import N_, DomainError

# -- reading amounts ---------------------------------------------------------------------

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


# -- writing amounts ---------------------------------------------------------------------

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

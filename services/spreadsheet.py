"""CSV files people open in Excel, LibreOffice or Google Sheets.

A cell that starts with =, +, -, @ (or a tab or carriage return) is run as a formula
by those programs: a lead named '=HYPERLINK(...)' would act when the file is opened
(CSV injection). Such cells are written with a leading apostrophe, which the programs
show as text. A phone number such as +7 999 123-45-67 is left as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

SPREADSHEET_TIME = "%Y-%m-%d %H:%M"  # what Excel and LibreOffice take for a date and time
# the dates a file may hold: ours, the ISO ones, Bitrix24's in Russian and in English
_READ_TIMES = (
    SPREADSHEET_TIME,
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE = re.compile(r"\+?[\d\s()\-.]+")


def cell(value: Any) -> Any:
    """The value as it is safe to write into a CSV cell."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PHONE.fullmatch(value):
        return "'" + value
    return value


def list_separator(locale: str) -> str:
    """The separator a spreadsheet of that language opens CSV with: Excel in Russian (and
    most of Europe, where the comma is the decimal point) expects ";"."""
    return "," if locale.startswith("en") else ";"


def decimal(value: float, separator: str) -> str:
    """A number with two decimals as the spreadsheet reads it: "15000,50" where the
    list separator is ";" (the comma is then the decimal mark), "15000.50" otherwise."""
    text = f"{value:.2f}"
    return text.replace(".", ",") if separator == ";" else text


def csv_text(header: list[str], rows: Iterable[Iterable[Any]], delimiter: str = ",") -> str:
    """A CSV document of a header and rows, every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def read_time(text: str, zone: str) -> datetime | None:
    """A date (and time) of a spreadsheet cell, read in the zone it was written in, as
    UTC; None when it is no date in a format we know."""
    text = " ".join(text.split())
    for pattern in _READ_TIMES:
        try:
            when = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return when.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    return None

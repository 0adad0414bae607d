"""The CRM Start dashboard as one PNG: plan fulfilment, lead funnel, channels, people."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from handlers.i18n import Translator  # noqa: E402
from services.crm import SOURCE_NAMES  # noqa: E402
from services.crm_money import currency_label  # noqa: E402
from services.crm_reports import Dashboard  # noqa: E402


def dashboard_png(tr: Translator, board: Dashboard) -> bytes:
    fig = Figure(figsize=(10, 7), dpi=80)
    axes = fig.subplots(2, 2)
    ax = axes[0][0]
    names = [line.name for line in board.plans] or ["—"]
    values = [min(line.percent, 200) for line in board.plans] or [0]
    ax.barh(names, values, color="#4c9be8")
    ax.axvline(100, color="#d9534f", linestyle="--")
    ax.set_title(tr.s("Sales plan, %"))
    ax = axes[0][1]
    labels = [tr.s(name) for name, _ in board.funnel]
    ax.bar(labels, [n for _, n in board.funnel], color="#5cb85c")
    ax.set_title(tr.s("Lead funnel"))
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # leads are counted whole
    ax = axes[1][0]
    codes = list(board.channels)
    sources = [tr.s(SOURCE_NAMES.get(c, c)) for c in codes] or ["—"]
    ax.bar(sources, [board.channels[c][0] for c in codes] or [0], label=tr.s("Leads"))
    ax.bar(sources, [board.channels[c][1] for c in codes] or [0], label=tr.s("Converted"))
    ax.set_title(tr.s("Channels"))
    ax.legend(fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax = axes[1][1]
    people = [row[0] for row in board.people] or ["—"]
    ax.bar(people, [row[2] / 100 for row in board.people] or [0], color="#f0ad4e")
    ax.set_title(tr.s("Won, {currency}", currency=currency_label(board.currency, tr.lang)))
    # amounts as people read them (1 200 000, not 1.2 with 1e6 over the axis)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}".replace(",", " ")))
    fig.suptitle(tr.s("CRM Start — {month}", month=tr.month(board.month)))
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()

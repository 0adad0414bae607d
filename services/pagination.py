"""Page arithmetic shared by every list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from models.hot import HotStatement

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    pages: int
    total: int

    @classmethod
    def of(cls, items: Sequence[T], page: int, per_page: int) -> Page[T]:
        """One page of a list already in memory."""
        number, pages = clamp_page(page, len(items), per_page)
        start = (number - 1) * per_page
        return cls(list(items[start : start + per_page]), number, pages, len(items))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def clamp_page(page: int, total: int, per_page: int) -> tuple[int, int]:
    pages = max(1, -(-total // per_page))
    return min(max(1, page), pages), pages


def _counted(query: Select) -> Any:  # type: ignore[type-arg]
    return select(func.count()).select_from(query.order_by(None).subquery()).scalar_subquery()


@dataclass(frozen=True, slots=True)
class Prepared:
    """A list's statements, which a list run on every update builds once (building and
    keying a statement cost more than running it): its values are bind parameters,
    given at each run; the page's limit and offset are PAGE_LIMIT and PAGE_OFFSET."""

    query: Select  # type: ignore[type-arg]  # the list, ordered
    paged: Select  # type: ignore[type-arg]  # one page of it, the total riding along
    hot: HotStatement | None = None  # `paged`, when it selects columns only (no entities)

    def counted(self) -> Select:  # type: ignore[type-arg]
        """Its total alone (a page past the end has no row to carry it)."""
        return select(func.count()).select_from(self.query.order_by(None).subquery())


PAGE_LIMIT, PAGE_OFFSET = "page_limit", "page_offset"


def prepare(query: Select, *, hot: bool = False) -> Prepared:  # type: ignore[type-arg]
    """`hot`: a list run on every update, of columns only, prepared once and kept: its
    page runs on the driver's cursor (models.hot)."""
    limit: Any = bindparam(PAGE_LIMIT)
    offset: Any = bindparam(PAGE_OFFSET)
    paged = query.add_columns(_counted(query)).limit(limit).offset(offset)
    if hot and not all(
        isinstance(said["expr"], ColumnElement | QueryableAttribute)
        for said in query.column_descriptions
    ):
        raise ValueError("a hot list selects columns, not entities")
    return Prepared(query=query, paged=paged, hot=HotStatement(paged) if hot else None)


async def _rows_and_total(
    session: AsyncSession,
    prepared: Prepared,
    params: dict[str, Any],
    page: int,
    per_page: int,
) -> tuple[list[Any], int, int, int]:
    """The page's rows, the page number, pages and total, mostly in one statement.

    The total rides along as an uncorrelated scalar subquery, which both engines
    evaluate once (the same count a separate statement would run, index-only where
    it can be). A page past the end (a list that shrank since it was shown) has no
    row to carry it: then the total is counted apart and the last page read.
    """
    page = max(1, page)
    at = {**params, PAGE_LIMIT: per_page, PAGE_OFFSET: (page - 1) * per_page}
    # a list of columns runs on the driver's cursor (models.hot): SQLAlchemy's execution
    # path costs more than the statement; one selecting entities needs it for the objects
    if prepared.hot is not None:
        rows: Sequence[Any] = await prepared.hot.rows(session, at)
    else:
        rows = (await session.execute(prepared.paged, at)).all()
    if rows:
        total = int(rows[0][-1])
        return [tuple(row)[:-1] for row in rows], page, clamp_page(page, total, per_page)[1], total
    if page == 1:
        return [], 1, 1, 0
    total = int(await session.scalar(prepared.counted(), params) or 0)
    page, pages = clamp_page(page, total, per_page)
    query = prepared.query.limit(per_page).offset((page - 1) * per_page)
    rows = (await session.execute(query, params)).all()
    return [tuple(row) for row in rows], page, pages, total


async def paginate_rows(
    session: AsyncSession,
    query: Select,  # type: ignore[type-arg]  # any number of selected columns
    page: int,
    per_page: int,
) -> Page[Any]:
    """A page of a query selecting several things: its items are result rows (tuples)."""
    rows, page, pages, total = await _rows_and_total(session, prepare(query), {}, page, per_page)
    return Page(items=rows, page=page, pages=pages, total=total)


async def paginate(
    session: AsyncSession, query: Select[Any], page: int, per_page: int
) -> Page[Any]:
    """A page of a query selecting one thing (an entity or a column)."""
    rows, page, pages, total = await _rows_and_total(session, prepare(query), {}, page, per_page)
    return Page(items=[row[0] for row in rows], page=page, pages=pages, total=total)


async def paginate_prepared(
    session: AsyncSession, prepared: Prepared, params: dict[str, Any], page: int, per_page: int
) -> Page[tuple[Any, ...]]:
    """`paginate_rows` of statements built once (`prepare`), with their values."""
    rows, page, pages, total = await _rows_and_total(session, prepared, params, page, per_page)
    return Page(items=rows, page=page, pages=pages, total=total)

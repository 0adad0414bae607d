"""Page arithmetic shared by every list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def clamp_page(page: int, total: int, per_page: int) -> tuple[int, int]:
    pages = max(1, -(-total // per_page))
    return min(max(1, page), pages), pages


async def paginate(
    session: AsyncSession, query: Select[Any], page: int, per_page: int
) -> Page[Any]:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    total = int(total or 0)
    page, pages = clamp_page(page, total, per_page)
    rows = (
        (await session.execute(query.limit(per_page).offset((page - 1) * per_page))).scalars().all()
    )
    return Page(items=list(rows), page=page, pages=pages, total=total)

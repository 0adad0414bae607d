"""Every router of the workspace, in the order /help lists them."""

from __future__ import annotations

from handlers import common, groups, menu, teams, users
from handlers.core import Router
from handlers.dispatch import Registry

ROUTERS: list[Router] = [
    teams.router,
    menu.router,
    users.router,
    groups.router,
    common.router,
]


def build_registry() -> Registry:
    return Registry(ROUTERS)

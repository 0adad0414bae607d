"""Every router of the workspace, found by module, in the order /help lists them.

A handler module joins the workspace by defining `router = Router(__name__)`; an
optional module-level `ORDER` (default 50) places it in /help.
"""

from __future__ import annotations

import importlib
import pkgutil

import handlers
from handlers.router import Router
from handlers.routing import Registry


def discover_routers() -> list[Router]:
    found: list[tuple[int, str, Router]] = []
    for info in pkgutil.iter_modules(handlers.__path__):
        module = importlib.import_module(f"handlers.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, Router):
            found.append((int(getattr(module, "ORDER", 50)), info.name, router))
    return [router for _, _, router in sorted(found, key=lambda item: (item[0], item[1]))]


def build_registry() -> Registry:
    return Registry(discover_routers())

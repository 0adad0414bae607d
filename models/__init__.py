"""SQLAlchemy 2.0 typed ORM tables, one module per area, plus the engine factory.

`load_all()` imports every area module so the metadata knows every table
(Alembic and the test fixtures call it).
"""

from __future__ import annotations

import importlib
import pkgutil

from models.base import Base


def load_all() -> None:
    import models

    for info in pkgutil.iter_modules(models.__path__):
        importlib.import_module(f"models.{info.name}")


__all__ = ["Base", "load_all"]

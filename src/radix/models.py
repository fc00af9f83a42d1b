"""Imports every model module so that ``Base.metadata`` is complete (migrations, tests)."""

import importlib
import pkgutil

import radix

from radix.core.db import Base

_SKIP_PREFIXES = ("radix.migrations", "radix.web_dist")


def load_all() -> None:
    for info in pkgutil.walk_packages(radix.__path__, "radix."):
        if info.name.endswith(".models") and not info.name.startswith(_SKIP_PREFIXES):
            importlib.import_module(info.name)


load_all()

metadata = Base.metadata

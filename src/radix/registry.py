"""Loads the modules that register things at import time: job types (``jobs.py``), dictionaries."""

from __future__ import annotations

import importlib
import pkgutil

import radix

_loaded = False


def load_all() -> None:
    global _loaded
    if _loaded:
        return
    import radix.models  # noqa: F401
    import radix.core.importer  # noqa: F401

    for info in pkgutil.walk_packages(radix.__path__, "radix."):
        if info.name.startswith(("radix.migrations", "radix.web_dist")):
            continue
        if info.name.endswith((".jobs", ".dicts")):
            importlib.import_module(info.name)
    _loaded = True

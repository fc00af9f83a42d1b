"""In-process domain events (``instance_stored``, ``report_signed``, ``tenant_created`` …).

Handlers run synchronously in the publisher's unit of work; work that must survive a crash should
``enqueue`` a job from its handler instead of doing it inline.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

_handlers: dict[str, list[Callable[..., None]]] = defaultdict(list)


def subscribe(event: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def deco(fn: Callable[..., None]) -> Callable[..., None]:
        if fn not in _handlers[event]:
            _handlers[event].append(fn)
        return fn

    return deco


def publish(event: str, **payload: Any) -> None:
    for fn in list(_handlers.get(event, ())):
        fn(**payload)

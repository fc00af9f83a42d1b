"""Python's cycle collector, set for long-running server processes.

By default CPython runs a young collection every 700 net allocations and, every so often, a full one
over every object the process holds. In the web process that meant a young-plus-middle collection
(1.2 ms) every ~35 QIDO requests and full ones of 30 to 240 ms as the heap grew, all of it spent
re-scanning modules, routes, mappers and caches that live as long as the process. ``settle`` moves what
exists once the process has started into the permanent generation (``gc.freeze``), which collections
skip, and lets more allocations pass between young collections. Garbage without cycles is freed by
reference counting as before; cycles are still collected, later.
"""

from __future__ import annotations

import gc

#: net allocations between young collections (CPython's default: 700)
YOUNG_THRESHOLD = 20_000


def settle() -> None:
    """Call once a server process has loaded what it keeps for its life (its app, its caches)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)

"""The scheduler joins the engine's once-a-minute tick (on the one ``radix worker --scheduler``)."""

from radix.core.jobs import engine
from radix.platform.schedule import service


def scheduler_tick() -> None:
    service.tick()


engine.register_periodic(scheduler_tick)

from __future__ import annotations

from alembic import context

from radix.models import metadata

config = context.config


def run() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        from radix.core.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as connection:
            _configure(connection)
        engine.dispose()
    else:
        _configure(connectable)


def _render_item(type_, obj, autogen_context):  # type: ignore[no-untyped-def]
    """Migrations stay static: a column of one of our TypeDecorators is written as its plain SQL type."""
    from alembic.autogenerate.render import _repr_type
    from sqlalchemy.types import TypeDecorator

    if type_ == "type" and isinstance(obj, TypeDecorator):
        return _repr_type(obj.impl, autogen_context)
    return False


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_item=_render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()

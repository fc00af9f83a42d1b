"""``radix`` command line: serve, web, worker, db, demo, user."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from radix.config import get_settings, reset_settings


def _apply(data_dir: str | None = None, **env: object) -> None:
    if data_dir:
        os.environ["RADIX_DATA_DIR"] = str(Path(data_dir).resolve())
    for key, value in env.items():
        if value is not None:
            os.environ[f"RADIX_{key.upper()}"] = str(value)
    reset_settings()
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    import radix.registry

    radix.registry.load_all()  # every model, job type and dictionary, whatever the command touches


@click.group()
@click.version_option(package_name="radix")
def main() -> None:
    """Radix 影像平台。"""


def bootstrap() -> None:
    """Migrate, then make sure the built-in rows exist (apps, menus, workstations, the platform tenant)."""
    from radix.core import migrate
    from radix.platform import bootstrap as platform_bootstrap

    migrate.upgrade(get_settings().resolved_database_url)
    platform_bootstrap.run()


@main.command()
@click.option("--host", default=None, help="listen address (default 127.0.0.1)")
@click.option("--port", default=None, type=int, help="HTTP port (default 8000)")
@click.option("--dicom-port", default=None, type=int, help="DICOM port (default 11112)")
@click.option("--data-dir", default=None, help="data directory (default ./var)")
@click.option("--workers", default=2, show_default=True, help="job worker threads")
def serve(host: str | None, port: int | None, dicom_port: int | None, data_dir: str | None, workers: int) -> None:
    """Web + DICOM + worker on the embedded defaults (migrates first)."""
    _apply(data_dir, host=host, port=port, dicom_port=dicom_port)
    settings = get_settings()
    bootstrap()
    from radix.core.jobs import engine

    engine.mark_interrupted()
    children: list[subprocess.Popen] = []
    env = dict(os.environ)
    children.append(subprocess.Popen([sys.executable, "-m", "radix", "worker", "--workers", str(workers), "--scheduler"],
                                     env=env))
    for extra in _extra_services():
        children.append(subprocess.Popen([sys.executable, "-m", "radix", *extra], env=env))

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.time() + 10
        for child in children:
            try:
                child.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    time.sleep(1.0)
    dead = [c for c in children if c.poll() is not None]
    if dead:  # e.g. the DICOM port is taken: say so instead of serving half a system
        stop()
        raise click.ClickException("后台服务未能启动（退出码 %s），请检查端口是否被占用" % ", ".join(str(c.returncode) for c in dead))
    click.echo(f"Radix listening on http://{settings.host}:{settings.port}  (data: {settings.data_dir.resolve()})")
    try:
        _run_web(settings.host, settings.port)
    finally:
        stop()


def _extra_services() -> list[list[str]]:
    """Further processes `serve` starts when their domain is present (the DICOM service)."""
    commands = main.commands
    return [["dicom"]] if "dicom" in commands else []


def _run_web(host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    uvicorn.run("radix.app:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=False, log_level="info")


@main.command()
@click.option("--host", default=None)
@click.option("--port", default=None, type=int)
@click.option("--data-dir", default=None)
@click.option("--processes", default=1, show_default=True, help="uvicorn worker processes")
def web(host: str | None, port: int | None, data_dir: str | None, processes: int) -> None:
    """Only the web process (no migration: run `radix db upgrade` first)."""
    _apply(data_dir, host=host, port=port)
    settings = get_settings()
    _run_web(settings.host, settings.port, processes)


@main.command()
@click.option("--data-dir", default=None)
@click.option("--workers", default=2, show_default=True)
@click.option("--scheduler/--no-scheduler", default=False, help="also run the minute scheduler (start exactly one)")
def worker(data_dir: str | None, workers: int, scheduler: bool) -> None:
    """A job consumer (Huey on SQLite by default, Redis when RADIX_REDIS_URL is set)."""
    _apply(data_dir)
    from radix.core.jobs import engine
    from radix.platform import api  # noqa: F401

    from radix.platform.tenant import service as tenant_service

    engine.register_tenant_resolver(tenant_service.resolver)
    engine.run_consumer(workers=workers, periodic=scheduler)


@main.command()
@click.option("--host", default=None, help="listen address (default 127.0.0.1)")
@click.option("--port", default=None, type=int, help="DICOM port (default 11112)")
@click.option("--ae-title", default=None, help="AE title (default RADIX)")
@click.option("--processes", default=None, type=int, help="receiver processes sharing the port (default 2)")
@click.option("--data-dir", default=None)
@click.option("--listen-fd", default=None, type=int, hidden=True,
              help="serve this inherited listening socket (the receivers `--processes` starts)")
@click.option("--loads-fd", default=None, type=int, hidden=True, help="the receivers' shared load table (a memfd)")
@click.option("--slot", default=None, type=int, hidden=True, help="this receiver's slot in the load table")
def dicom(host: str | None, port: int | None, ae_title: str | None, processes: int | None, data_dir: str | None,
          listen_fd: int | None, loads_fd: int | None, slot: int | None) -> None:
    """Only the DIMSE service: C-ECHO/STORE/FIND/MOVE/GET (no migration: run `radix db upgrade` first)."""
    import logging

    _apply(data_dir, host=host, dicom_port=port, dicom_ae_title=ae_title, dicom_processes=processes)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("pynetdicom").setLevel(logging.WARNING)
    from radix.imaging.dimse import server

    settings = get_settings()
    if listen_fd is not None:
        loads = server.Loads(loads_fd, slot) if loads_fd is not None and slot is not None else None
        server.run(settings.host, settings.dicom_port, settings.dicom_ae_title, listen_fd=listen_fd, loads=loads)
        return
    sys.exit(server.serve(settings.host, settings.dicom_port, settings.dicom_ae_title, settings.dicom_processes))


@main.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@click.option("--data-dir", default=None)
def db_upgrade(revision: str, data_dir: str | None) -> None:
    _apply(data_dir)
    from radix.core import migrate

    migrate.upgrade(get_settings().resolved_database_url, revision)
    click.echo(f"upgraded to {revision}")


@db.command("downgrade")
@click.option("--revision", default="-1", show_default=True, help="target (e.g. -1 or base)")
@click.option("--data-dir", default=None)
def db_downgrade(revision: str, data_dir: str | None) -> None:
    _apply(data_dir)
    from radix.core import migrate

    migrate.downgrade(get_settings().resolved_database_url, revision)
    click.echo(f"downgraded to {revision}")


@db.command("current")
@click.option("--data-dir", default=None)
def db_current(data_dir: str | None) -> None:
    _apply(data_dir)
    from radix.core import migrate

    click.echo(migrate.current(get_settings().resolved_database_url) or "(empty)")


@main.command()
@click.option("--data-dir", default=None)
def demo(data_dir: str | None) -> None:
    """Seed the demo tenants, accounts and master data (idempotent)."""
    _apply(data_dir)
    from radix.core import migrate
    from radix.platform import demo as demo_seed

    migrate.upgrade(get_settings().resolved_database_url)

    lines = demo_seed.run()
    click.echo("\n".join(lines))


@main.group()
def user() -> None:
    """Accounts."""


@user.command("reset-password")
@click.option("--tenant", "tenant_text", required=True, help="tenant code, name or id")
@click.option("--username", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--data-dir", default=None)
def user_reset_password(tenant_text: str, username: str, password: str, data_dir: str | None) -> None:
    """Set an account's password (and unlock it)."""
    _apply(data_dir)
    from radix.platform.account import cli_ops

    try:
        click.echo(cli_ops.reset_password(tenant_text, username, password))
    except Exception as exc:  # shown to the operator as a message, not a traceback
        message = getattr(exc, "message", str(exc))
        raise click.ClickException(message) from None


if __name__ == "__main__":
    main()

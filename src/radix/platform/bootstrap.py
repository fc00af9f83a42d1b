"""Rows every installation needs: apps, the built-in menu tree, workstations and the platform tenant."""

from __future__ import annotations

import os
import secrets

import sqlalchemy as sa

from radix.config import get_settings
from radix.core import clock
from radix.core.db import session_scope
from radix.core.tenancy import SYSTEM, set_scope

PLATFORM_CODE = "platform"
PLATFORM_ADMIN = "sysadmin"


def run(admin_password: str | None = None) -> str | None:
    """Idempotent. Returns the platform admin's password when this call created the account."""
    from radix.platform.account import service as account_service
    from radix.platform.app import service as app_service
    from radix.platform.institution import service as institution_service
    from radix.platform.menu import service as menu_service
    from radix.platform.role import service as role_service
    from radix.platform.tenant import service as tenant_service
    from radix.platform.tenant.models import Tenant, TenantKind

    created_password = None
    with session_scope() as s:
        set_scope(s, SYSTEM)
        app_service.sync_builtin(s)
        menu_service.sync_builtin(s)
        menu_service.sync_workstations(s)
        platform = s.scalar(sa.select(Tenant).where(Tenant.kind == TenantKind.PLATFORM))
        if platform is None:
            password = admin_password or os.environ.get("RADIX_ADMIN_PASSWORD") or _random_password()
            platform = Tenant(code=PLATFORM_CODE, name="Radix 平台运营中心", short_name="平台运营中心",
                              kind=TenantKind.PLATFORM, path="/", admin_username=PLATFORM_ADMIN)
            s.add(platform)
            s.flush()
            platform.path = f"/{platform.id}/"
            s.flush()
            tenant_service.provision(
                s, platform, principal=None, admin_username=PLATFORM_ADMIN, admin_password=password,
                admin_name="平台管理员", admin_phone=None, account_service=account_service,
                institution_service=institution_service, role_service=role_service,
            )
            created_password = password
            open_all_apps(s, platform.id)
            if not admin_password and not os.environ.get("RADIX_ADMIN_PASSWORD"):
                note = get_settings().data_dir / "initial-admin-password.txt"
                note.write_text(f"tenant: {PLATFORM_CODE}\nusername: {PLATFORM_ADMIN}\npassword: {password}\n")
                print(f"Created platform admin {PLATFORM_ADMIN} (tenant {PLATFORM_CODE}); password in {note}")
    menu_service.invalidate_cache()
    return created_password


def _random_password() -> str:
    letters = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    body = "".join(secrets.choice(letters) for _ in range(6)) + "".join(secrets.choice("23456789") for _ in range(4))
    return body


def open_all_apps(session, tenant_id: int, years: int | None = None) -> None:  # type: ignore[no-untyped-def]
    """Open every app for a tenant (the platform: permanently; demo tenants: for some years)."""
    from radix.platform.app import service as app_service
    from radix.platform.app.models import BillingMode

    today = clock.today()
    for app in app_service.apps(session):
        app_service.open_app(
            session,
            tenant_id=tenant_id,
            app_code=app.code,
            billing_mode=BillingMode.PERPETUAL if years is None else BillingMode.YEARLY,
            valid_from=today,
            valid_until=None if years is None else today.replace(year=today.year + years),
            config={},
            remark=None,
            granter_tenant_id=None,
            granter_is_platform=True,
        )

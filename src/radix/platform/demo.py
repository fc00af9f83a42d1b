"""``radix demo``: a platform admin, a regional group with two member hospitals, accounts and master
data. Idempotent: existing rows are left as they are (changed passwords stay changed)."""

from __future__ import annotations

import importlib

import sqlalchemy as sa

from radix.core.db import session_scope
from radix.core.tenancy import SYSTEM, Scope, scoped, set_scope
from radix.platform import bootstrap

DEMO_PASSWORD = "Radix2026"

TENANTS = [
    # code, name, short name, kind, parent code, region, type, level
    ("demo", "演示区域医疗集团", "演示区域集团", "regional", None, "浙江省/杭州市", "general", "3A"),
    ("demo-a", "演示第一人民医院", "演示一院", "normal", "demo", "浙江省/杭州市", "general", "3A"),
    ("demo-b", "演示第二人民医院", "演示二院", "normal", "demo", "浙江省/杭州市", "general", "2A"),
]

ACCOUNTS = [
    # username, name, role key, phone suffix
    ("admin", "管理员", "super_admin"),
    ("doctor", "张医生", "clinician"),
    ("reviewer", "李主任", "director"),
]


def run() -> list[str]:
    from radix.platform.account import service as account_service
    from radix.platform.account.models import Account
    from radix.platform.institution import service as institution_service
    from radix.platform.role import service as role_service
    from radix.platform.role.models import Role
    from radix.platform.tenant import service as tenant_service
    from radix.platform.tenant.models import Tenant, TenantKind

    created = bootstrap.run(admin_password=DEMO_PASSWORD)
    lines = ["Radix demo accounts (密码均为 Radix2026，请登录后立即修改):", ""]
    lines.append("  platform  sysadmin  平台管理员（超级管理员）")
    with session_scope() as s:
        set_scope(s, SYSTEM)
        platform = tenant_service.get_platform(s)
        assert platform is not None
        _seed_master_data(s, platform.id)
        by_code = {t.code: t for t in s.scalars(sa.select(Tenant))}
        for code, name, short, kind, parent_code, region, htype, level in TENANTS:
            tenant = by_code.get(code)
            if tenant is None:
                parent = by_code[parent_code] if parent_code else platform
                tenant = Tenant(code=code, name=name, short_name=short, kind=TenantKind(kind), parent_id=parent.id,
                                region=region, hospital_type=htype, hospital_level=level, admin_username="admin",
                                contact_name="演示联系人")
                s.add(tenant)
                s.flush()
                tenant.path = f"{parent.path}{tenant.id}/"
                s.flush()
                tenant_service.provision(
                    s, tenant, principal=None, admin_username="admin", admin_password=DEMO_PASSWORD,
                    admin_name=f"{short}管理员", admin_phone=None, account_service=account_service,
                    institution_service=institution_service, role_service=role_service,
                )
                bootstrap.open_all_apps(s, tenant.id, years=3)
                by_code[code] = tenant
            with scoped(s, Scope(tenant_id=tenant.id, visible=None, actor="demo")):
                _seed_master_data(s, tenant.id)
                roles = {r.key: r for r in s.scalars(sa.select(Role).where(Role.tenant_id == tenant.id))}
                for username, person, role_key in ACCOUNTS:
                    account = s.scalar(sa.select(Account).where(Account.tenant_id == tenant.id, Account.username == username))
                    if account is None:
                        from radix.core.db import utcnow
                        from radix.core.security import hash_password

                        account = Account(tenant_id=tenant.id, username=username, name=person,
                                          password_hash=hash_password(DEMO_PASSWORD), password_changed_at=utcnow(),
                                          preferences={}, is_admin=False)
                        s.add(account)
                        s.flush()
                        account_service.set_roles(s, account, [roles[role_key].id])
            for username, _, role_key in ACCOUNTS:
                name = s.scalar(sa.select(Account.name).where(Account.tenant_id == tenant.id, Account.username == username))
                lines.append(f"  {code:<8}  {username:<8}  {name}（{roles[role_key].name}）")
    lines.append("")
    lines.append("登录地址：/login?tid=<租户>，例如 http://127.0.0.1:8000/login?tid=demo-a")
    return lines


def _seed_master_data(session, tenant_id: int) -> None:  # type: ignore[no-untyped-def]
    """Master data (modalities, body parts, exam items …) and starter message templates, from the
    domains that provide a ``demo.seed``."""
    for name in ("radix.platform.dictionary.demo", "radix.platform.notify.demo", "radix.imaging.demo"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        module.seed(session, tenant_id)

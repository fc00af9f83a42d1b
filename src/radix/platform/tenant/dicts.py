from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.meta import register_dict
from radix.core.schemas import Status
from radix.platform.institution.models import Institution
from radix.platform.role.models import Role
from radix.platform.tenant.models import Tenant


def _tenants(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(sa.select(Tenant.id, Tenant.name, Tenant.code, Tenant.kind).order_by(Tenant.path, Tenant.id)).all()
    return [{"value": r.id, "label": r.name, "code": r.code, "kind": r.kind.value} for r in rows]


def _roles(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(Role.id, Role.name, Role.tenant_id).where(Role.status == Status.ENABLED).order_by(Role.sort, Role.id)
    ).all()
    return [{"value": r.id, "label": r.name, "tenantId": r.tenant_id} for r in rows]


def _institutions(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(Institution.id, Institution.name, Institution.tenant_id, Institution.parent_id)
        .order_by(Institution.sort, Institution.id)
    ).all()
    return [{"value": r.id, "label": r.name, "tenantId": r.tenant_id, "parentId": r.parent_id} for r in rows]


register_dict("tenant", "机构", _tenants)
register_dict("role", "角色", _roles)
register_dict("institution", "机构（含子机构）", _institutions)

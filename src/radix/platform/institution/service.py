"""Institutions (机构): each tenant's main institution (机构信息) and its sub-institutions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.platform.institution.models import Institution
from radix.platform.tenant.models import Tenant


def create_main(session: Session, tenant: Tenant) -> Institution:
    inst = Institution(
        tenant_id=tenant.id,
        parent_id=None,
        code=tenant.code,
        name=tenant.name,
        short_name=tenant.short_name,
        region=tenant.region,
        hospital_type=tenant.hospital_type,
        hospital_level=tenant.hospital_level,
        address=tenant.address,
        phone=tenant.contact_phone,
        photos=[],
    )
    session.add(inst)
    session.flush()
    return inst


def main_of(session: Session, tenant_id: int) -> Institution | None:
    return session.scalar(
        sa.select(Institution)
        .where(Institution.tenant_id == tenant_id, Institution.parent_id.is_(None))
        .order_by(Institution.id)
        .limit(1)
    )

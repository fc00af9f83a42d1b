from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.core.meta import register_dict
from radix.core.schemas import Status
from radix.platform.department.models import Department


def _departments(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(Department.id, Department.name, Department.tenant_id)
        .where(Department.status == Status.ENABLED)
        .order_by(Department.sort, Department.id)
    ).all()
    return [{"value": r.id, "label": r.name, "tenantId": r.tenant_id} for r in rows]


register_dict("department", "科室", _departments)

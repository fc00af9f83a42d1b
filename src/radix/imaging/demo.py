"""``radix demo`` for the archive: synthetic studies in the demo hospitals (demo-a, demo-b) and their
modality nodes ``DEMO_A`` / ``DEMO_B``, so that ``storescu -aet DEMO_A -aec RADIX 127.0.0.1 11112 x.dcm``
files under demo-a.

The demo seed runs inside one unit of work that may have just created the tenants, and ingest commits
each instance in its own transaction (that is what makes it durable). So :func:`seed` only registers
the nodes and notes which tenants need studies; the studies are ingested once that unit of work has
committed. A tenant that already has a study gets none (idempotent, and never mixes demo data into a
hospital in use).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from radix.core.tenancy import SYSTEM, scoped

log = logging.getLogger(__name__)

#: tenant code → (calling AE title, port of the demo modality)
NODES = {"demo-a": ("DEMO_A", 11113), "demo-b": ("DEMO_B", 11114)}
_PENDING = "radix_imaging_demo_pending"


@dataclass(frozen=True)
class _Pending:
    tenant_id: int
    code: str
    name: str
    institution_id: int | None


def seed(session: Session, tenant_id: int) -> None:
    from radix.imaging.models import Study
    from radix.platform.institution.models import Institution
    from radix.platform.tenant.models import Tenant

    with scoped(session, SYSTEM):
        tenant = session.get(Tenant, tenant_id)
        if tenant is None or tenant.code not in NODES:
            return
        institution_id = session.scalar(sa.select(Institution.id).where(
            Institution.tenant_id == tenant_id, Institution.parent_id.is_(None)).order_by(Institution.id).limit(1))
        _register_node(session, tenant, institution_id)
        has_study = session.scalar(sa.select(Study.id).where(Study.tenant_id == tenant_id).limit(1)) is not None
    if not has_study:
        pending = session.info.setdefault(_PENDING, [])
        item = _Pending(tenant_id, tenant.code, tenant.name, institution_id)
        if item not in pending:
            pending.append(item)


def _register_node(session: Session, tenant: object, institution_id: int | None) -> None:
    from radix.core.schemas import Status
    from radix.imaging.models import DicomNode

    ae, port = NODES[tenant.code]  # type: ignore[attr-defined]
    taken = session.scalar(sa.select(DicomNode.id).where(sa.func.upper(DicomNode.ae_title) == ae))
    if taken is not None:
        return
    session.add(DicomNode(
        tenant_id=tenant.id,  # type: ignore[attr-defined]
        name=f"演示设备 {ae}",
        ae_title=ae,
        host="127.0.0.1",
        port=port,
        institution_id=institution_id,
        allow_store=True,
        allow_find=True,
        allow_move=True,
        allow_get=True,
        status=Status.ENABLED,
        remark="radix demo 注册的演示节点：storescu -aet " + ae + " -aec RADIX 127.0.0.1 11112 file.dcm",
    ))
    session.flush()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    for item in pending or []:
        try:
            ingest_demo_studies(item.tenant_id, code=item.code, name=item.name, institution_id=item.institution_id)
        except Exception:  # the demo accounts are committed: report, never undo them
            log.exception("demo studies of %s could not be added", item.code)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def ingest_demo_studies(tenant_id: int, *, code: str, name: str, institution_id: int | None = None) -> int:
    """Generate the demo studies of one hospital and ingest them (source ``demo``); returns the count
    of instances stored. Skipped when the tenant already has a study."""
    from radix.core.db import session_scope
    from radix.core.tenancy import set_scope
    from radix.imaging import store, synth
    from radix.imaging.models import Study

    with session_scope(commit=False) as s:
        set_scope(s, SYSTEM)
        if s.scalar(sa.select(Study.id).where(Study.tenant_id == tenant_id).limit(1)) is not None:
            return 0
    started = time.monotonic()
    arrival = store.Arrival(tenant_id=tenant_id, institution_id=institution_id, source="demo", node="演示数据")
    stored = 0
    for info, generate in synth.demo_plan(code, institution=name):
        for ds in generate(info):
            result = store.ingest(synth.encode(ds), arrival)
            if result.ok:
                stored += 1
            else:
                log.warning("demo instance of %s refused: %s", code, result.message)
    log.info("demo studies of %s: %d instances in %.1f s", code, stored, time.monotonic() - started)
    return stored

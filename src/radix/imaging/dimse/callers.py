"""Who is calling: the calling AE title of an association, looked up among the enabled DICOM nodes of
every tenant (AE titles are unique platform-wide), decides the tenant, institution and what it may do."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from radix.core.db import session_scope
from radix.core.schemas import Status
from radix.core.tenancy import SYSTEM, Scope, set_scope
from radix.imaging.models import DicomNode
from radix.imaging.store import Arrival


@dataclass(frozen=True)
class Caller:
    tenant_id: int
    ae_title: str
    host: str
    institution_id: int | None = None
    node_id: int | None = None
    allow_store: bool = False
    allow_find: bool = False
    allow_move: bool = False
    allow_get: bool = False
    #: an unknown AE accepted under ``unknown_callers = quarantine``: it may only store
    quarantine: bool = False

    @property
    def label(self) -> str:
        """How image events name the sender: ``AE@host``."""
        return f"{self.ae_title}@{self.host}"

    def arrival(self) -> Arrival:
        return Arrival(tenant_id=self.tenant_id, institution_id=self.institution_id,
                       source="quarantine" if self.quarantine else "dimse", calling_ae=self.ae_title[:16],
                       node=self.label[:100])

    def scope(self) -> Scope:
        """Over DIMSE a node sees its own tenant's archive, nothing else."""
        return Scope(tenant_id=self.tenant_id, visible=frozenset({self.tenant_id}),
                     actor=f"dicom:{self.ae_title}"[:64])

    def may(self, operation: str) -> bool:
        return bool(getattr(self, f"allow_{operation}"))


def find_node(session: sa.orm.Session, ae_title: str) -> DicomNode | None:
    """The enabled node of an enabled tenant with this AE title (case-insensitive, blanks trimmed)."""
    from radix.platform.tenant.models import Tenant

    ae = (ae_title or "").strip().upper()
    if not ae:
        return None
    set_scope(session, SYSTEM)
    return session.scalar(
        sa.select(DicomNode)
        .join(Tenant, Tenant.id == DicomNode.tenant_id)
        .where(sa.func.upper(DicomNode.ae_title) == ae, DicomNode.status == Status.ENABLED,
               Tenant.status == Status.ENABLED)
    )


def platform_tenant_id(session: sa.orm.Session) -> int | None:
    from radix.platform.tenant import service as tenant_service
    from radix.platform.tenant.models import Tenant

    set_scope(session, SYSTEM)
    return session.scalar(sa.select(Tenant.id).where(Tenant.code == tenant_service.PLATFORM_CODE))


def resolve(ae_title: str, host: str, unknown_callers: str) -> Caller | None:
    """The caller behind a calling AE title, or None when the association must be refused."""
    ae = (ae_title or "").strip()
    with session_scope(commit=False) as s:
        node = find_node(s, ae)
        if node is not None:
            return Caller(tenant_id=node.tenant_id, ae_title=ae, host=host,
                          institution_id=node.institution_id, node_id=node.id, allow_store=node.allow_store,
                          allow_find=node.allow_find, allow_move=node.allow_move, allow_get=node.allow_get)
        if unknown_callers != "quarantine":
            return None
        platform = platform_tenant_id(s)
    if platform is None:
        return None
    return Caller(tenant_id=platform, ae_title=ae or "?", host=host, allow_store=True, quarantine=True)


def destination(caller: Caller, ae_title: str) -> DicomNode | None:
    """A C-MOVE destination: an enabled node of the caller's own tenant that may receive moves."""
    with session_scope(commit=False) as s:
        node = find_node(s, ae_title)
        if node is None or node.tenant_id != caller.tenant_id or not node.allow_move:
            return None
        s.expunge(node)
        return node

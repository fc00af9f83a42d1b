"""Who reads the archive over DICOMweb, and what they may see.

A platform login (session cookie or ``Authorization: Bearer``) reads with the tenant scope of its
principal and needs the route's permission. Without one, a share link (``?share=<token>`` or the
``X-Radix-Share`` header) opens exactly one study of one tenant, read only. The dependency is marked
like ``require()`` so the route contract sees the permission it checks.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from radix.config import get_settings
from radix.core import security
from radix.core.errors import Forbidden, Unauthorized
from radix.core.security import Principal, get_session
from radix.core.tenancy import SYSTEM, Scope, scoped, set_scope

SHARE_HEADER = "x-radix-share"
SHARE_PARAM = "share"
PREFIX = "/dicom-web"


@dataclass
class Access:
    request: Request
    session: Session
    tenant_id: int
    principal: Principal | None = None
    #: a share link opens this one study and nothing else
    study_uid: str | None = None
    #: the share token when it came as a query parameter: carried into the URLs we hand out
    share_query: str | None = None

    @property
    def is_share(self) -> bool:
        return self.principal is None

    @functools.cached_property
    def base(self) -> str:
        """Absolute DICOMweb root of this request, e.g. ``http://host/dicom-web``."""
        return origin(self.request) + PREFIX

    def url_suffix(self) -> str:
        return f"?{SHARE_PARAM}={quote(self.share_query, safe='')}" if self.share_query else ""

    def study_url(self, study: str) -> str:
        return f"{self.base}/studies/{study}{self.url_suffix()}"

    def series_url(self, study: str, series: str) -> str:
        return f"{self.base}/studies/{study}/series/{series}{self.url_suffix()}"

    def instance_url(self, study: str, series: str, sop: str) -> str:
        return f"{self.base}/studies/{study}/series/{series}/instances/{sop}{self.url_suffix()}"


def origin(request: Request) -> str:
    """scheme://host[:port] plus the app's root path, honouring X-Forwarded-* behind a trusted proxy."""
    base = str(request.base_url).rstrip("/")
    if get_settings().trust_proxy:
        proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
        host = request.headers.get("x-forwarded-host", "").split(",")[0].strip()
        if proto or host:
            scheme, rest = base.split("://", 1)
            netloc, _, path = rest.partition("/")
            base = f"{proto or scheme}://{host or netloc}" + (f"/{path}" if path else "")
    return base


def _has_platform_credentials(request: Request) -> bool:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer ") and header[7:].strip():
        return True
    return bool(request.cookies.get(get_settings().cookie_name))


def _share_token(request: Request) -> tuple[str | None, bool]:
    header = request.headers.get(SHARE_HEADER)
    if header and header.strip():
        return header.strip(), False
    param = request.query_params.get(SHARE_PARAM)
    if param and param.strip():
        return param.strip(), True
    return None, False


def _resolve_share(session: Session, token: str) -> Any:
    try:
        share_service = importlib.import_module("radix.imaging.share.service")
    except ModuleNotFoundError as exc:
        if not "radix.imaging.share.service".startswith(exc.name or "\0"):
            raise
        raise Unauthorized("分享链接暂不可用，请登录后查看", code="SHARE_UNAVAILABLE") from None
    # the token itself is the credential: looking it up is not bound to any tenant yet
    with scoped(session, SYSTEM):
        return share_service.resolve_token(session, token)


def authenticate(request: Request, session: Session, permission: str, *, allow_share: bool) -> Access:
    """The platform principal holding ``permission``, else (``allow_share``) the share link, else 401/403."""
    token, in_query = _share_token(request)
    if _has_platform_credentials(request):
        try:
            principal = security.current_principal.dependency(request, session)
        except Unauthorized:
            if not (token and allow_share):
                raise
        else:
            if not principal.has(permission):
                raise Forbidden(f"没有权限执行此操作（需要 {permission}）")
            return Access(request=request, session=session, tenant_id=principal.tenant_id,
                          principal=principal)
    if not token:
        raise Unauthorized()
    if not allow_share:
        raise Forbidden("分享链接只能查看影像", code="SHARE_READ_ONLY")
    if len(token) > 512:
        raise Unauthorized("分享链接无效", code="SHARE_INVALID")
    share = _resolve_share(session, token)
    tenant_id = int(share.tenant_id)
    set_scope(session, Scope(tenant_id=tenant_id, visible=frozenset({tenant_id}), actor="share"))
    return Access(request=request, session=session, tenant_id=tenant_id, study_uid=str(share.study_uid),
                  share_query=token if in_query else None)


def dicomweb_access(permission: str, *, allow_share: bool = True) -> Any:
    """Route dependency: a platform principal holding ``permission``, or (reads) a share link.

    Marked with ``__radix_permissions__`` exactly as :func:`radix.core.security.require` marks its
    check, so the route contract counts it as the route's ``require``."""

    def _dicomweb_access(request: Request, session: Session = get_session) -> Access:
        return authenticate(request, session, permission, allow_share=allow_share)

    _dicomweb_access.__radix_permissions__ = (permission,)  # type: ignore[attr-defined]
    return Depends(_dicomweb_access)


#: what reads need (QIDO, WADO-RS, WADO-URI: ``service.read_route``)
READ_PERMISSION = "imaging:study:query"
#: STOW-RS
STORE = dicomweb_access("imaging:upload:add", allow_share=False)


# --- 影像调阅 access log -----------------------------------------------------------------------

#: one image view per viewer and study in this window (a viewer reads a study's series one by one)
VIEW_WINDOW_SECONDS = 300
_recent_views: dict[tuple[Any, ...], float] = {}


def record_image_view(access: Access, study_uid: str) -> None:
    """Log one 影像调阅 (image view) of a study, at most once per viewer and study per window."""
    from radix.core.audit import client_ip
    from radix.platform.log import service as log_service

    principal = access.principal
    if principal is not None:
        who: tuple[str, Any] = ("account", principal.account_id)
    else:
        token = _share_token(access.request)[0] or ""
        who = ("share", hashlib.sha256(token.encode()).hexdigest()[:16])
    key = (access.tenant_id, who, study_uid)
    now = time.monotonic()
    last = _recent_views.get(key)
    if last is not None and now - last < VIEW_WINDOW_SECONDS:
        return
    if len(_recent_views) > 10_000:
        for k, at in list(_recent_views.items()):
            if now - at >= VIEW_WINDOW_SECONDS:
                _recent_views.pop(k, None)
    _recent_views[key] = now
    request = access.request
    if principal is not None:
        log_service.record_view(access.session, request, principal, page=request.url.path[:255],
                                title="影像调阅", target_type="study", target_id=study_uid)
    else:
        log_service.record_access(
            access.session, tenant_id=access.tenant_id, tenant_name=None, account_id=None,
            username="分享链接", ip=client_ip(request.scope), user_agent=request.headers.get("user-agent"),
            kind="record",
            page=request.url.path[:255], title="影像调阅（分享）", target_type="study", target_id=study_uid,
        )

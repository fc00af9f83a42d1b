"""Share routes: create (with link and QR code), revoke, the list, and the public share page's data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session

from radix.config import get_settings
from radix.core import audit
from radix.core.errors import NotFound
from radix.core.resource import Ctx
from radix.core.security import Principal, current_principal, get_session, public, require
from radix.imaging.models import Study
from radix.imaging.share import service
from radix.imaging.share.models import Share
from radix.imaging.share.resource import shares
from radix.imaging.share.schemas import PublicShare, ShareCreate, ShareCreated, ShareRead

router = APIRouter()
router.include_router(shares.router())
actions = APIRouter(prefix="/imaging/shares", tags=[shares.zh])
open_routes = APIRouter(prefix="/public/shares", tags=["公开分享"])

Token = Annotated[str, Path(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$", title="分享令牌")]


def _absolute(request: Request, path: str) -> str:
    base = get_settings().public_url.rstrip("/") or str(request.base_url).rstrip("/")
    return base + path


@actions.post(
    "",
    status_code=201,
    response_model=ShareCreated,
    summary="分享检查（生成链接和二维码）",
    dependencies=[require(shares.permission("add")), audit.audit("CREATE", shares.zh)],
)
def create(request: Request, data: ShareCreate, session: Session = get_session) -> Any:
    study = session.get(Study, data.study_id)  # scoped: another tenant's study is simply not there
    if study is None:
        raise NotFound("要分享的检查不存在或已被删除", code="STUDY_NOT_FOUND")
    share, token = service.create(session, study=study, validity=data.validity, max_visitors=data.max_visitors)
    audit.set_target(request, shares.name, share.id)
    path = service.share_path(token)
    absolute = _absolute(request, path)
    return {
        "id": share.id,
        "url": path,
        "absolute_url": absolute,
        "token": token,
        "qr": service.qr_data_url(absolute),
        "study_uid": share.study_uid,
        "validity": share.validity,
        "expires_at": share.expires_at,
        "max_visitors": share.max_visitors,
    }


@actions.post(
    "/{id}/revoke",
    response_model=ShareRead,
    summary="撤销分享",
    dependencies=[require(shares.permission("remove")), audit.audit("UPDATE", "撤销影像分享")],
)
def revoke(request: Request, share: Share = shares.load, session: Session = get_session,
           principal: Principal = current_principal) -> Any:
    service.revoke(session, share)
    return shares.service.read(Ctx(session, principal, request), share)


@open_routes.get(
    "/{token}",
    response_model=PublicShare,
    summary="打开分享链接（无需登录）",
    description="返回被分享检查的概要（患者姓名脱敏），计一次访问并记录访问日志；影像通过 DICOMweb 的 ?share=<token> 读取。",
    dependencies=[public()],
    responses={403: {"description": "链接已过期、已撤销或访问人数已达上限"}, 404: {"description": "链接不存在"}},
)
def open_share(request: Request, token: Token, session: Session = get_session) -> Any:
    from radix.core.audit import client_ip
    from radix.core.resource import tenant_names
    from radix.platform.log import service as log_service

    share = service.resolve_token(session, token, visit=True)
    service.visit(session, share)
    summary = service.public_summary(session, share)
    log_service.record_access(
        session,
        tenant_id=share.tenant_id,
        tenant_name=tenant_names(session, {share.tenant_id}).get(share.tenant_id),
        account_id=None,
        username=None,
        ip=client_ip(request.scope),
        user_agent=request.headers.get("user-agent"),
        kind="record",
        page=f"/share/{share.id}",
        title="分享调阅",
        target_type="share",
        target_id=share.id,
    )
    return summary


router.include_router(actions)
router.include_router(open_routes)

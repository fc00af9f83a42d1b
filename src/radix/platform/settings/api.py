"""平台设置 (a per-tenant settings page) and the site logo."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, File, Path, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from radix.core.audit import audit
from radix.core.errors import Invalid, NotFound, TooLarge
from radix.core.security import Principal, current_principal, get_session, public, require
from radix.core.singleton import Singleton
from radix.core.storage import blobs
from radix.core.tenancy import SYSTEM, scoped
from radix.platform.institution.router import image_kind
from radix.platform.settings import service
from radix.platform.settings.models import PlatformSetting
from radix.platform.settings.schemas import PlatformSettingRead, PlatformSettingUpdate

settings = Singleton(
    name="platform_setting",
    path="/platform/settings",
    model=PlatformSetting,
    read=PlatformSettingRead,
    update=PlatformSettingUpdate,
    perm="platform:setting",
    zh="平台设置",
    en="Platform settings",
    defaults=service.defaults,
)

router = APIRouter(tags=["平台设置"])
MAX_LOGO_BYTES = 512 * 1024


@router.post("/platform/settings/logo", dependencies=[require("platform:setting:edit"), audit("UPLOAD", "站点Logo")],
             summary="上传站点 Logo（JPG/PNG，≤512KB）")
def upload_logo(file: UploadFile = File(...), session: Session = get_session,
                principal: Principal = current_principal) -> dict[str, Any]:
    data = file.file.read(MAX_LOGO_BYTES + 1)
    if len(data) > MAX_LOGO_BYTES:
        raise TooLarge("Logo 不能超过 512KB")
    kind = image_kind(data)
    if kind is None:
        raise Invalid.field("file", "只支持 JPG/PNG 格式的图片", code="BAD_IMAGE")
    name = f"{uuid.uuid4().hex}.{kind}"
    blobs().put(f"logo/{principal.tenant_id}/{name}", data)
    row = settings.row(session, principal.tenant_id)
    if row is None:
        row = PlatformSetting(**service.defaults(), tenant_id=principal.tenant_id)
        session.add(row)
    row.logo = f"/api/v1/public/logo/{principal.tenant_id}/{name}"
    session.flush()
    return settings.values(session, principal.tenant_id)


@router.get("/public/logo/{tenant_id}/{name}", dependencies=[public()], summary="站点 Logo（公开）",
            response_class=Response, responses={200: {"content": {"image/png": {}, "image/jpeg": {}}}})
def get_logo(tenant_id: int = Path(ge=1, le=2**62), name: str = Path(pattern=r"^[0-9a-f]{32}\.(png|jpg)$"),
             session: Session = get_session) -> Response:
    with scoped(session, SYSTEM):
        row = settings.row(session, tenant_id)
    if row is None or not (row.logo or "").endswith(name):
        raise NotFound("图片不存在")
    data = blobs().get(f"logo/{tenant_id}/{name}")
    return Response(data, media_type="image/png" if name.endswith(".png") else "image/jpeg",
                    headers={"Cache-Control": "public, max-age=86400"})


def api_routers() -> list[APIRouter]:
    return [settings.router(), router]

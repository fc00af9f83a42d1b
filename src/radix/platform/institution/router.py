"""机构信息: the current tenant's main institution, and its photos (JPG/PNG ≤ 1 MB, at most 5)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, File, Path, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from radix.core.audit import audit
from radix.core.errors import Invalid, NotFound, TooLarge
from radix.core.resource import Ctx
from radix.core.security import Principal, current_principal, get_session, require
from radix.core.storage import blobs
from radix.platform.institution import service
from radix.platform.institution.resource import resource
from radix.platform.institution.schemas import InstitutionRead, InstitutionUpdate

router = APIRouter(prefix="/platform/institution", tags=["机构"])

MAX_PHOTO_BYTES = 1024 * 1024
MAX_PHOTOS = 5


def image_kind(data: bytes) -> str | None:
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    return None


def _main(session: Session, principal: Principal) -> Any:
    inst = service.main_of(session, principal.tenant_id)
    if inst is None:
        raise NotFound("机构信息不存在")
    return inst


@router.get("", response_model=InstitutionRead, dependencies=[require("platform:institution:query")], summary="本机构信息")
def get_own(session: Session = get_session, principal: Principal = current_principal) -> Any:
    return resource.service.read(Ctx(session, principal), _main(session, principal))


@router.put("", response_model=InstitutionRead,
            dependencies=[require("platform:institution:edit"), audit("UPDATE", "机构信息")], summary="保存本机构信息")
def put_own(data: InstitutionUpdate, session: Session = get_session, principal: Principal = current_principal) -> Any:
    ctx = Ctx(session, principal)
    inst = resource.service.update(ctx, _main(session, principal), data)
    return resource.service.read(ctx, inst)


@router.post("/photos", response_model=InstitutionRead,
             dependencies=[require("platform:institution:edit"), audit("UPLOAD", "机构照片")],
             summary="上传机构照片（JPG/PNG，≤1MB，最多5张）")
def upload_photo(file: UploadFile = File(...), session: Session = get_session, principal: Principal = current_principal) -> Any:
    inst = _main(session, principal)
    photos = list(inst.photos or [])
    if len(photos) >= MAX_PHOTOS:
        raise Invalid.field("file", f"最多上传 {MAX_PHOTOS} 张照片", code="TOO_MANY_PHOTOS")
    data = file.file.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise TooLarge("照片大小不能超过 1MB")
    kind = image_kind(data)
    if kind is None:
        raise Invalid.field("file", "只支持 JPG/PNG/JPEG 格式的图片", code="BAD_IMAGE")
    name = f"{uuid.uuid4().hex}.{kind}"
    blobs().put(f"institution/{inst.tenant_id}/{name}", data)
    inst.photos = photos + [name]
    session.flush()
    return resource.service.read(Ctx(session, principal), inst)


@router.delete("/photos/{name}", response_model=InstitutionRead,
               dependencies=[require("platform:institution:edit"), audit("DELETE", "机构照片")], summary="删除机构照片")
def delete_photo(name: str = Path(max_length=64, pattern=r"^[0-9a-f]{32}\.(jpg|png)$"), session: Session = get_session,
                 principal: Principal = current_principal) -> Any:
    inst = _main(session, principal)
    if name not in (inst.photos or []):
        raise NotFound("照片不存在")
    inst.photos = [p for p in inst.photos if p != name]
    blobs().delete(f"institution/{inst.tenant_id}/{name}")
    session.flush()
    return resource.service.read(Ctx(session, principal), inst)


@router.get("/photos/{name}", dependencies=[require("platform:institution:query")], summary="机构照片",
            response_class=Response, responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}})
def get_photo(name: str = Path(max_length=64, pattern=r"^[0-9a-f]{32}\.(jpg|png)$"), session: Session = get_session,
              principal: Principal = current_principal) -> Response:
    inst = _main(session, principal)
    if name not in (inst.photos or []):
        raise NotFound("照片不存在")
    data = blobs().get(f"institution/{inst.tenant_id}/{name}")
    return Response(data, media_type="image/png" if name.endswith(".png") else "image/jpeg")

from __future__ import annotations

import datetime as dt

from radix.core.schemas import AppModel, F, Id
from radix.imaging.share.models import ShareStatus, ShareValidity


class ShareCreate(AppModel):
    study_id: Id = F(zh="检查", en="Study")
    validity: ShareValidity = F(ShareValidity.MIN30, zh="时效", en="Validity")
    max_visitors: int | None = F(None, zh="最多访问人数", en="Maximum visitors", ge=1, le=10000,
                                 description="为空则不限制")


class ShareCreated(AppModel):
    id: int = F(zh="编号", en="ID")
    url: str = F(zh="分享链接", en="Link", description="站内路径 /share/<token>")
    absolute_url: str = F(zh="完整链接", en="Full link")
    token: str = F(zh="分享令牌", en="Token", description="仅在创建时返回一次")
    qr: str = F(zh="二维码", en="QR code", description="PNG 图片的 data URL")
    study_uid: str = F(zh="检查UID", en="Study UID")
    validity: ShareValidity = F(zh="时效", en="Validity")
    expires_at: dt.datetime | None = F(None, zh="到期时间", en="Expires at", description="为空则永久有效")
    max_visitors: int | None = F(None, zh="最多访问人数", en="Maximum visitors")


class ShareRead(AppModel):
    id: int = F(zh="编号", en="ID", column=False)
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    tenant_name: str | None = F(None, zh="机构名称", en="Institution")
    study_id: int = F(zh="检查", en="Study", column=False)
    study_uid: str = F(zh="检查UID", en="Study UID", column=False)
    patient_name: str | None = F(None, zh="患者姓名", en="Patient name")
    patient_id: str | None = F(None, zh="患者号", en="Patient ID")
    accession_number: str | None = F(None, zh="检查号", en="Accession No.")
    modalities: str | None = F(None, zh="检查类型", en="Modalities")
    study_date: str | None = F(None, zh="检查日期", en="Study date", column=False)
    validity: ShareValidity = F(zh="时效", en="Validity")
    expires_at: dt.datetime | None = F(None, zh="到期时间", en="Expires at")
    max_visitors: int | None = F(None, zh="最多访问人数", en="Maximum visitors")
    visits: int = F(zh="访问次数", en="Visits")
    status: ShareStatus = F(zh="状态", en="Status")
    last_visit_at: dt.datetime | None = F(None, zh="最近访问", en="Last visit", column=False)
    revoked_at: dt.datetime | None = F(None, zh="撤销时间", en="Revoked at", column=False)
    revoked_by: str | None = F(None, zh="撤销人", en="Revoked by", column=False)
    created_by: str | None = F(None, zh="分享人", en="Shared by")
    created_at: dt.datetime = F(zh="分享时间", en="Shared at")


class PublicStudy(AppModel):
    study_uid: str = F(zh="检查UID", en="Study UID")
    patient_name: str | None = F(None, zh="患者姓名（脱敏）", en="Patient name (masked)")
    patient_sex: str | None = F(None, zh="性别", en="Sex")
    modalities: list[str] = F(zh="检查类型", en="Modalities")
    study_date: str | None = F(None, zh="检查日期", en="Study date")
    description: str | None = F(None, zh="检查描述", en="Description")
    body_part: str | None = F(None, zh="检查部位", en="Body part")
    num_series: int = F(zh="序列数", en="Series")
    num_instances: int = F(zh="图像数", en="Images")
    institution_name: str | None = F(None, zh="检查机构", en="Institution")


class PublicShare(AppModel):
    study: PublicStudy
    validity: ShareValidity = F(zh="时效", en="Validity")
    expires_at: dt.datetime | None = F(None, zh="到期时间", en="Expires at")
    max_visitors: int | None = F(None, zh="最多访问人数", en="Maximum visitors")
    visits: int = F(zh="访问次数", en="Visits")

"""Standard master data of an imaging department, seeded into the platform tenant (the set other
tenants copy with 数据同步) and into the demo tenants. Idempotent: inserts the codes that are missing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from radix.platform.dictionary.models import (
    BodyPart,
    ChargeItem,
    ChargeType,
    ExamItem,
    HospitalLevel,
    HospitalType,
    MasterData,
    Modality,
    PersonType,
)

HOSPITAL_TYPES = [
    ("general", "综合医院"),
    ("specialist", "专科医院"),
    ("tcm", "中医医院"),
    ("integrated", "中西医结合医院"),
    ("maternal", "妇幼保健院"),
    ("community", "社区卫生服务中心"),
    ("township", "乡镇卫生院"),
    ("imaging_center", "独立医学影像中心"),
    ("clinic", "门诊部/诊所"),
]

HOSPITAL_LEVELS = [
    ("3A", "三级甲等"),
    ("3B", "三级乙等"),
    ("3C", "三级丙等"),
    ("2A", "二级甲等"),
    ("2B", "二级乙等"),
    ("2C", "二级丙等"),
    ("1A", "一级甲等"),
    ("1B", "一级乙等"),
    ("1C", "一级丙等"),
    ("unrated", "未定级"),
]

PERSON_TYPES = [
    ("radiologist", "影像诊断医师"),
    ("technician", "影像技师"),
    ("nurse", "护士"),
    ("clinician", "临床医师"),
    ("physicist", "医学物理师"),
    ("engineer", "设备工程师"),
    ("registrar", "登记员"),
    ("manager", "行政管理人员"),
    ("other", "其他"),
]

MODALITIES = [
    ("CT", "CT", "计算机断层扫描（Computed Tomography）"),
    ("MR", "磁共振", "磁共振成像（Magnetic Resonance）"),
    ("DR", "DR", "数字化X线摄影（Digital Radiography）"),
    ("CR", "CR", "计算机X线摄影（Computed Radiography）"),
    ("MG", "乳腺钼靶", "乳腺X线摄影（Mammography）"),
    ("US", "超声", "超声检查（Ultrasound）"),
    ("DSA", "DSA", "数字减影血管造影（Digital Subtraction Angiography）"),
    ("RF", "X线透视造影", "X线透视及造影（Radio Fluoroscopy）"),
    ("NM", "核医学", "核医学显像，含 SPECT（Nuclear Medicine）"),
    ("PT", "PET", "正电子发射断层显像，含 PET-CT（Positron Emission Tomography）"),
    ("XA", "血管造影", "X线血管造影（X-Ray Angiography）"),
]

# modality → (code suffix, name); the code is "<modality>-<suffix>"
BODY_PARTS: dict[str, list[tuple[str, str]]] = {
    "CT": [("HEAD", "头颅"), ("SINUS", "鼻窦"), ("NECK", "颈部"), ("CHEST", "胸部"), ("ABD", "腹部"),
           ("PELVIS", "盆腔"), ("SPINE", "脊柱"), ("LIMB", "四肢关节"), ("HEART", "心脏冠脉")],
    "MR": [("HEAD", "头颅"), ("NECK", "颈部"), ("ABD", "腹部"), ("PELVIS", "盆腔"), ("SPINE", "脊柱"),
           ("LIMB", "四肢关节"), ("BREAST", "乳腺"), ("HEART", "心脏")],
    "DR": [("CHEST", "胸部"), ("ABD", "腹部"), ("SPINE", "脊柱"), ("LIMB", "四肢关节"), ("PELVIS", "骨盆"),
           ("SKULL", "头颅")],
    "CR": [("CHEST", "胸部"), ("LIMB", "四肢关节")],
    "MG": [("BREAST", "乳腺")],
    "US": [("THYROID", "甲状腺"), ("ABD", "腹部"), ("BREAST", "乳腺"), ("PELVIS", "盆腔"), ("HEART", "心脏"),
           ("VESSEL", "血管")],
    "DSA": [("HEAD", "头颈血管"), ("LIMB", "四肢血管")],
    "RF": [("GI", "消化道"), ("URO", "泌尿系")],
    "NM": [("BONE", "全身骨"), ("THYROID", "甲状腺"), ("HEART", "心肌")],
    "PT": [("BODY", "全身"), ("HEAD", "头颅")],
    "XA": [("CORONARY", "冠状动脉")],
}

# code, name, body part, price (yuan)
EXAM_ITEMS = [
    ("CT001", "头颅CT平扫", "CT-HEAD", "150"),
    ("CT002", "头颅CT增强", "CT-HEAD", "360"),
    ("CT003", "头颅CTA", "CT-HEAD", "680"),
    ("CT004", "鼻窦CT平扫", "CT-SINUS", "150"),
    ("CT005", "颈部CT平扫", "CT-NECK", "180"),
    ("CT006", "颈部CT增强", "CT-NECK", "380"),
    ("CT007", "胸部CT平扫", "CT-CHEST", "180"),
    ("CT008", "胸部CT增强", "CT-CHEST", "400"),
    ("CT009", "低剂量胸部CT", "CT-CHEST", "150"),
    ("CT010", "上腹部CT平扫", "CT-ABD", "200"),
    ("CT011", "上腹部CT增强", "CT-ABD", "450"),
    ("CT012", "全腹部CT增强", "CT-ABD", "600"),
    ("CT013", "盆腔CT平扫", "CT-PELVIS", "200"),
    ("CT014", "腰椎CT平扫", "CT-SPINE", "180"),
    ("CT015", "颈椎CT平扫", "CT-SPINE", "180"),
    ("CT016", "膝关节CT平扫", "CT-LIMB", "160"),
    ("CT017", "冠状动脉CTA", "CT-HEART", "880"),
    ("MR001", "头颅MR平扫", "MR-HEAD", "420"),
    ("MR002", "头颅MR增强", "MR-HEAD", "680"),
    ("MR003", "头颅MRA", "MR-HEAD", "500"),
    ("MR004", "颈部MR平扫", "MR-NECK", "450"),
    ("MR005", "上腹部MR平扫", "MR-ABD", "480"),
    ("MR006", "上腹部MR增强", "MR-ABD", "780"),
    ("MR007", "MRCP（胰胆管成像）", "MR-ABD", "500"),
    ("MR008", "盆腔MR平扫", "MR-PELVIS", "480"),
    ("MR009", "盆腔MR增强", "MR-PELVIS", "780"),
    ("MR010", "颈椎MR平扫", "MR-SPINE", "420"),
    ("MR011", "腰椎MR平扫", "MR-SPINE", "420"),
    ("MR012", "膝关节MR平扫", "MR-LIMB", "450"),
    ("MR013", "肩关节MR平扫", "MR-LIMB", "450"),
    ("MR014", "乳腺MR增强", "MR-BREAST", "800"),
    ("MR015", "心脏MR增强", "MR-HEART", "1200"),
    ("DR001", "胸部正位DR", "DR-CHEST", "60"),
    ("DR002", "胸部正侧位DR", "DR-CHEST", "90"),
    ("DR003", "腹部立位DR", "DR-ABD", "60"),
    ("DR004", "腰椎正侧位DR", "DR-SPINE", "90"),
    ("DR005", "颈椎正侧位DR", "DR-SPINE", "90"),
    ("DR006", "膝关节正侧位DR", "DR-LIMB", "80"),
    ("DR007", "骨盆正位DR", "DR-PELVIS", "60"),
    ("DR008", "头颅正侧位DR", "DR-SKULL", "80"),
    ("CR001", "胸部正位CR", "CR-CHEST", "50"),
    ("CR002", "腕关节正斜位CR", "CR-LIMB", "60"),
    ("MG001", "双乳钼靶", "MG-BREAST", "200"),
    ("MG002", "单乳钼靶", "MG-BREAST", "120"),
    ("US001", "甲状腺彩超", "US-THYROID", "120"),
    ("US002", "肝胆胰脾彩超", "US-ABD", "150"),
    ("US003", "泌尿系彩超", "US-ABD", "120"),
    ("US004", "乳腺彩超", "US-BREAST", "120"),
    ("US005", "妇科经阴道彩超", "US-PELVIS", "150"),
    ("US006", "心脏彩超", "US-HEART", "260"),
    ("US007", "颈部血管彩超", "US-VESSEL", "180"),
    ("US008", "下肢血管彩超", "US-VESSEL", "200"),
    ("DSA001", "全脑血管造影", "DSA-HEAD", "3500"),
    ("DSA002", "下肢动脉造影", "DSA-LIMB", "3000"),
    ("RF001", "上消化道钡餐造影", "RF-GI", "180"),
    ("RF002", "静脉肾盂造影", "RF-URO", "260"),
    ("NM001", "全身骨显像", "NM-BONE", "700"),
    ("NM002", "甲状腺静态显像", "NM-THYROID", "200"),
    ("NM003", "心肌灌注显像", "NM-HEART", "1200"),
    ("PT001", "全身PET-CT", "PT-BODY", "7000"),
    ("PT002", "脑部PET-CT", "PT-HEAD", "5500"),
    ("XA001", "冠状动脉造影", "XA-CORONARY", "3800"),
]

# code, name, type, modality, price (yuan)
CHARGE_ITEMS = [
    ("210200001", "数字化摄影（DR）", ChargeType.EXAM, "DR", "60"),
    ("210200002", "计算机X线摄影（CR）", ChargeType.EXAM, "CR", "50"),
    ("210200003", "乳腺钼靶摄影", ChargeType.EXAM, "MG", "120"),
    ("210300001", "X线计算机体层（CT）平扫", ChargeType.EXAM, "CT", "150"),
    ("210300002", "X线计算机体层（CT）增强扫描", ChargeType.EXAM, "CT", "300"),
    ("210300003", "CT血管成像（CTA）", ChargeType.EXAM, "CT", "600"),
    ("210400001", "磁共振（MR）平扫", ChargeType.EXAM, "MR", "420"),
    ("210400002", "磁共振（MR）增强扫描", ChargeType.EXAM, "MR", "680"),
    ("220100001", "彩色多普勒超声常规检查", ChargeType.EXAM, "US", "120"),
    ("230100001", "单光子发射计算机断层显像（SPECT）", ChargeType.EXAM, "NM", "700"),
    ("230200001", "正电子发射断层显像（PET-CT）", ChargeType.EXAM, "PT", "7000"),
    ("310800001", "数字减影血管造影（DSA）", ChargeType.TREATMENT, "DSA", "2800"),
    ("MAT001", "非离子型碘对比剂（100ml）", ChargeType.MATERIAL, "CT", "180"),
    ("MAT002", "钆对比剂（15ml）", ChargeType.MATERIAL, "MR", "260"),
    ("MAT003", "医用干式胶片（35×43cm）", ChargeType.MATERIAL, None, "25"),
    ("MAT004", "高压注射器针筒", ChargeType.MATERIAL, None, "90"),
    ("TRE001", "影像会诊费", ChargeType.TREATMENT, None, "50"),
    ("OTH001", "影像资料刻录费", ChargeType.OTHER, None, "10"),
]


def _simple(rows: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"code": code, "name": name, "sort": i} for i, (code, name) in enumerate(rows, start=1)]


def data() -> list[tuple[type[MasterData], list[dict[str, Any]]]]:
    """Every entity's rows, referenced entities first."""
    parts = [(f"{m}-{suffix}", name, m) for m, rows in BODY_PARTS.items() for suffix, name in rows]
    modality_of = {code: m for code, _, m in parts}
    return [
        (HospitalType, _simple(HOSPITAL_TYPES)),
        (HospitalLevel, _simple(HOSPITAL_LEVELS)),
        (PersonType, _simple(PERSON_TYPES)),
        (Modality, [
            {"code": c, "name": n, "description": d, "sort": i} for i, (c, n, d) in enumerate(MODALITIES, 1)
        ]),
        (BodyPart, [
            {"code": c, "name": n, "modality_code": m, "sort": i} for i, (c, n, m) in enumerate(parts, 1)
        ]),
        (ExamItem, [
            {"code": c, "name": n, "body_part_code": b, "modality_code": modality_of[b], "price": Decimal(p),
             "sort": i}
            for i, (c, n, b, p) in enumerate(EXAM_ITEMS, 1)
        ]),
        (ChargeItem, [
            {"code": c, "name": n, "type": t, "modality_code": m, "price": Decimal(p), "sort": i}
            for i, (c, n, t, m, p) in enumerate(CHARGE_ITEMS, 1)
        ]),
    ]


def seed(session: Session, tenant_id: int) -> int:
    """Insert the standard rows a tenant is missing; returns how many were inserted."""
    inserted = 0
    for model, rows in data():
        have = set(session.scalars(sa.select(model.code).where(model.tenant_id == tenant_id)))
        for values in rows:
            if values["code"] not in have:
                session.add(model(tenant_id=tenant_id, **values))
                inserted += 1
        session.flush()
    return inserted

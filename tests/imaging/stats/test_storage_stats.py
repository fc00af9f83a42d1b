"""数据存储: usage by institution, modality, file type (transfer syntax family) and day, tenant-scoped."""

from __future__ import annotations

import io
from pathlib import Path

import pydicom
from pydicom.data import get_testdata_file

from radix.imaging import store, synth
from radix.imaging.stats_router import FAMILIES, family

URL = "/api/v1/imaging/stats/storage"

FILES = {
    "CT_small.dcm": ("未压缩", "CT"),
    "MR_small_RLE.dcm": ("RLE", "MR"),
    "MR_small_jp2klossless.dcm": ("JPEG 2000", "MR"),
    "MR_small_jpeg_ls_lossless.dcm": ("JPEG-LS", "MR"),
    "JPEG-lossy.dcm": ("JPEG", "NM"),
}


def _renamed(name: str, suffix: str) -> bytes:
    """A test file under a new SOP Instance UID (several share one), encoding untouched."""
    ds = pydicom.dcmread(get_testdata_file(name))
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = synth.uid(name, suffix)
    buf = io.BytesIO()
    ds.save_as(buf, enforce_file_format=True)
    return buf.getvalue()


def _fill(tenant_id: int, suffix: str) -> dict[str, int]:
    sizes = {}
    for name in FILES:
        raw = _renamed(name, suffix)
        assert store.ingest(raw, store.Arrival(tenant_id=tenant_id, source="test")).ok
        sizes[name] = len(raw)
    return sizes


def test_usage_by_institution_modality_file_type_and_day(new_tenant):
    tenant, api = new_tenant()
    assert api.ok("GET", URL)["total"] == {"instances": 0, "bytes": 0, "studies": 0}
    sizes = _fill(tenant["id"], tenant["code"])
    stats = api.ok("GET", URL)
    total = sum(sizes.values())
    studies = len({pydicom.dcmread(get_testdata_file(n), stop_before_pixels=True).StudyInstanceUID for n in FILES})
    assert stats["total"] == {"instances": 5, "bytes": total, "studies": studies}
    assert stats["byInstitution"] == [{"tenantId": tenant["id"], "name": tenant["name"], "instances": 5, "bytes": total,
                                       "studies": studies}]
    modalities = {m["modality"]: m for m in stats["byModality"]}
    assert {k: v["instances"] for k, v in modalities.items()} == {"CT": 1, "MR": 3, "NM": 1}
    assert modalities["MR"]["bytes"] == sum(sizes[n] for n, (_, m) in FILES.items() if m == "MR")
    types = {t["type"]: t for t in stats["byFileType"]}
    assert set(types) == {f for f, _ in FILES.values()}
    for name, (fam, _) in FILES.items():
        assert types[fam] == {"type": fam, "instances": 1, "bytes": sizes[name]}
    assert len(stats["byDay"]) == 30
    assert stats["byDay"][-1]["instances"] == 5 and stats["byDay"][-1]["bytes"] == total
    assert sum(d["bytes"] for d in stats["byDay"][:-1]) == 0
    assert stats["byDay"][0]["date"] < stats["byDay"][-1]["date"]
    assert stats["disk"]["total"] >= stats["disk"]["free"] > 0


def test_a_region_sees_its_members_and_a_member_only_itself(new_tenant):
    region, region_api = new_tenant(kind="regional")
    m1, m1_api = new_tenant(parent_id=region["id"], by=region_api)
    m2, _ = new_tenant(parent_id=region["id"], by=region_api)
    s1 = _fill(m1["id"], "m1")
    s2 = _fill(m2["id"], "m2")
    stats = region_api.ok("GET", URL)
    by = {i["tenantId"]: i for i in stats["byInstitution"]}
    assert set(by) == {m1["id"], m2["id"]} and stats["total"]["bytes"] == sum(s1.values()) + sum(s2.values())
    narrowed = region_api.ok("GET", f"{URL}?tenantId={m2['id']}")
    assert narrowed["total"]["bytes"] == sum(s2.values()) and [i["tenantId"] for i in narrowed["byInstitution"]] == [m2["id"]]
    own = m1_api.ok("GET", URL)
    assert own["total"]["bytes"] == sum(s1.values()) and [i["tenantId"] for i in own["byInstitution"]] == [m1["id"]]
    assert m1_api.ok("GET", f"{URL}?tenantId={m2['id']}")["total"] == {"instances": 0, "bytes": 0, "studies": 0}
    assert m1_api.get(f"{URL}?tenantId=abc").status_code == 422


def test_transfer_syntax_families():
    assert family("1.2.840.10008.1.2") == family("1.2.840.10008.1.2.2") == "未压缩"
    assert family("1.2.840.10008.1.2.4.50") == family("1.2.840.10008.1.2.4.70") == "JPEG"
    assert family("1.2.840.10008.1.2.4.80") == family("1.2.840.10008.1.2.4.81") == "JPEG-LS"
    assert family("1.2.840.10008.1.2.4.91") == family("1.2.840.10008.1.2.4.201") == "JPEG 2000"
    assert family("1.2.840.10008.1.2.5") == "RLE"
    assert family("1.2.840.10008.1.2.1.99") == family("1.2.840.10008.1.2.4.100") == family(None) == "其他"
    assert FAMILIES[0] == "未压缩" and len(FAMILIES) == 6
    assert Path(get_testdata_file("CT_small.dcm")).exists()

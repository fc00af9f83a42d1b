"""影像数据详情: basic information, DICOM tags (flat, sequences indented, long values cut, bulk data as a
size), the image event chain in time order, and an 影像调阅 access-log row."""

from __future__ import annotations

import datetime as dt
import io

import pydicom
import sqlalchemy as sa

from radix.imaging import store, synth
from radix.platform.log.models import AccessLog
from tests.conftest import system_session


def _instance(tenant, api):
    person = synth.Person("Zhang", "San", "张", "三", "M", dt.date(1970, 1, 1), "D1",
                          id_number=synth.id_number("330106", dt.date(1970, 1, 1), 11))
    ds = pydicom.dcmread(io.BytesIO(synth.sample(tenant["code"], "detail", person=person, slices=1, size=32)[0]))
    ds.ImageComments = "很长的说明" * 100
    result = store.ingest(synth.encode(ds), store.Arrival(tenant_id=tenant["id"], source="test", node="CT01"))
    assert result.ok
    item = api.ok("GET", f"/api/v1/imaging/instances?sopUid={result.sop_uid}")["items"][0]
    return item, ds


def test_the_detail_page(new_tenant):
    tenant, api = new_tenant()
    item, ds = _instance(tenant, api)
    detail = api.ok("GET", f"/api/v1/imaging/instances/{item['id']}/detail")
    assert detail["instance"]["sopUid"] == ds.SOPInstanceUID and detail["instance"]["modality"] == "MR"
    assert detail["study"]["studyUid"] == ds.StudyInstanceUID and detail["study"]["patientName"] == "Zhang^San=张^三"
    assert detail["series"]["seriesUid"] == ds.SeriesInstanceUID and detail["series"]["numInstances"] == 1
    tags = {t["tag"]: t for t in detail["tags"]}
    assert tags["(0010,0010)"] == {"tag": "(0010,0010)", "keyword": "PatientName", "name": "Patient's Name", "vr": "PN",
                                   "value": "Zhang^San=张^三", "depth": 0}
    assert tags["(7FE0,0010)"]["value"] == f"<二进制数据 {32 * 32 * 2} 字节>"
    assert tags["(0020,4000)"]["value"].endswith("（共 500 个字符）") and len(tags["(0020,4000)"]["value"]) < 300
    rows = detail["tags"]
    seq = next(i for i, t in enumerate(rows) if t["tag"] == "(0010,1002)")
    assert rows[seq]["vr"] == "SQ" and rows[seq]["value"] == "<序列，1 项>"
    assert rows[seq + 1]["depth"] == 1 and rows[seq + 1]["tag"] in ("(0010,0020)", "(0010,0021)", "(0010,0022)")
    assert [e["kind"] for e in detail["events"]] == ["received", "stored", "indexed"]
    assert all(e["node"] == "CT01" for e in detail["events"])
    with system_session() as s:
        logs = list(s.scalars(sa.select(AccessLog).where(AccessLog.target_type == "study",
                                                          AccessLog.target_id == str(detail["study"]["id"]))))
        assert len(logs) == 1 and logs[0].title == "影像调阅" and logs[0].username == "admin"


def test_another_tenant_gets_404(new_tenant):
    tenant, api = new_tenant()
    item, _ = _instance(tenant, api)
    _, other = new_tenant()
    assert other.get(f"/api/v1/imaging/instances/{item['id']}/detail").status_code == 404

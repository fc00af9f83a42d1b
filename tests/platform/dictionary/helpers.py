"""Shared helpers of the master-data tests: paths, xlsx building and reading, job rows."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook

from tests.conftest import system_session, unique

BASE = "/api/v1/platform/master-data"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def modality_code() -> str:
    return unique("M").upper()[:16]


def make_modality(api: Any, **extra: Any) -> dict[str, Any]:
    body = {"code": modality_code(), "name": f"测试模态{unique('')[-6:]}", **extra}
    return api.ok("POST", f"{BASE}/modalities", status=201, json=body)


def make_body_part(api: Any, modality: str, **extra: Any) -> dict[str, Any]:
    body = {"code": unique("BP"), "name": extra.pop("name", "测试部位"), "modalityCode": modality, **extra}
    return api.ok("POST", f"{BASE}/body-parts", status=201, json=body)


def sheet(header: list[str], rows: list[dict[str, Any]]) -> bytes:
    """An xlsx with the template's header; each row maps a label (without the *) to its value."""
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append([row.get(h.rstrip("*")) for h in header])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_xlsx(content: bytes) -> list[list[Any]]:
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def job_row(run_id: int) -> Any:
    from radix.core.jobs.models import JobRun

    with system_session() as s:
        row = s.get(JobRun, run_id)
        s.expunge(row)
        return row


def dict_options(api: Any, code: str) -> list[dict[str, Any]]:
    """``GET /api/v1/meta/dicts/{code}`` as ``api``'s user."""
    r = api.get(f"/api/v1/meta/dicts/{code}")
    assert r.status_code == 200, r.text
    return r.json()

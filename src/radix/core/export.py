"""Spreadsheet export of any resource list (the current filters, newest first), with Chinese headers."""

from __future__ import annotations

import datetime as dt
import enum
import io
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from radix.core import clock

if TYPE_CHECKING:
    from radix.core.resource import Resource

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_value(value: Any, field: dict[str, Any] | None = None) -> Any:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return getattr(value, "zh", value.value)
    if field and field.get("type") == "enum" and field.get("options"):
        for opt in field["options"]:
            if opt["value"] == value:
                return opt["label"]
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.astimezone(clock.local_tz()).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return "、".join(str(cell_value(v)) for v in value)
    if isinstance(value, dict):
        return str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        # a leading "=", "+", "-" or "@" would make Excel evaluate the cell (CSV/formula injection)
        return "'" + value if value[:1] in ("=", "+", "-", "@") else value
    return value


def workbook_bytes(title: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31] or "Sheet1")
    for idx, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = max(12, min(40, len(header) * 2 + 4))
    ws.append(headers)
    for row in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def attachment(filename: str, content: bytes, media_type: str = XLSX) -> Response:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export.xlsx"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"},
    )


def xlsx_response(resource: Resource, rows: list[Any]) -> Response:
    desc = resource.describe()
    by_name = {f["name"]: f for f in desc["fields"]}
    columns = [c for c in desc["columns"] if c in by_name]
    headers = [by_name[c]["label"]["zh"] for c in columns]
    data: list[list[Any]] = []
    for row in rows:
        payload = row.model_dump(by_alias=True) if hasattr(row, "model_dump") else dict(row)
        data.append([cell_value(payload.get(c), by_name[c]) for c in columns])
    stamp = clock.now().strftime("%Y%m%d%H%M%S")
    return attachment(f"{resource.zh}_{stamp}.xlsx", workbook_bytes(resource.zh, headers, data))

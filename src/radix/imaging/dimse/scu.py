"""The archive as an SCU toward remote nodes: C-ECHO, C-STORE (send instances), C-MOVE (ask a node to
send a study somewhere, e.g. to the archive itself)."""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydicom
from pydicom.dataset import Dataset
from pynetdicom import AE, build_context

from radix.config import get_settings
from radix.core.errors import AppError
from radix.core.storage import blobs
from radix.imaging.dimse import contexts

log = logging.getLogger(__name__)

_REJECT_REASONS = {
    (0x01, 0x02): "不支持的应用上下文",
    (0x01, 0x03): "对方未识别本系统的 AE 标题（调用方 AE）",
    (0x01, 0x07): "对方 AE 标题不正确（被叫 AE）",
    (0x03, 0x01): "对方繁忙",
    (0x03, 0x02): "对方连接数已满",
}


class NodeUnreachable(AppError):
    status_code = 502
    code = "DICOM_NODE_UNREACHABLE"
    message = "无法与 DICOM 节点建立关联"


@dataclass(frozen=True)
class Target:
    ae_title: str
    host: str
    port: int

    @classmethod
    def of(cls, node: Any) -> Target:
        return cls(ae_title=node.ae_title.strip(), host=node.host, port=int(node.port))

    @property
    def label(self) -> str:
        return f"{self.ae_title}@{self.host}"


@dataclass
class EchoResult:
    ok: bool
    ms: int
    message: str


@dataclass
class Item:
    """One stored instance to send."""

    blob_key: str
    sop_class_uid: str
    transfer_syntax: str
    sop_uid: str


@dataclass
class StoreReport:
    total: int
    sent: int = 0
    warnings: int = 0
    failed: int = 0
    #: SOP Instance UID → DICOM status of its C-STORE (None: not sent)
    statuses: dict[str, int | None] = field(default_factory=dict)
    message: str = ""


@dataclass
class MoveReport:
    status: int | None
    completed: int = 0
    failed: int = 0
    warnings: int = 0
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and (self.status == 0 or (self.status & 0xF000) == 0xB000)


def _ae(requested: list[Any], *, timeout: float = 30) -> AE:
    ae = AE(ae_title=get_settings().dicom_ae_title)
    ae.acse_timeout = min(timeout, 30)
    ae.dimse_timeout = timeout
    ae.network_timeout = timeout
    ae.connection_timeout = min(timeout, 10)
    ae.requested_contexts = requested
    return ae


def _why(target: Target, assoc: Any) -> str:
    """A message an operator can act on when an association was not established."""
    if assoc.is_rejected:
        rsp = assoc.acceptor.primitive
        reason = _REJECT_REASONS.get((getattr(rsp, "result_source", None), getattr(rsp, "diagnostic", None)))
        return f"{target.label} 拒绝了关联请求" + (f"：{reason}" if reason else "")
    try:
        with socket.create_connection((target.host, target.port), timeout=3):
            pass
    except socket.gaierror:
        return f"无法解析主机名 {target.host}"
    except ConnectionRefusedError:
        return f"无法连接到 {target.host}:{target.port}（端口未开放）"
    except OSError as exc:
        return f"无法连接到 {target.host}:{target.port}：{exc.strerror or exc}"
    return f"{target.label} 未接受关联（端口 {target.port} 可连接，但对方未按 DICOM 协议应答或未接受所提议的服务）"


def _associate(ae: AE, target: Target) -> Any:
    try:
        return ae.associate(target.host, target.port, ae_title=target.ae_title)
    except (OSError, ValueError) as exc:  # e.g. an unresolvable host name
        raise NodeUnreachable(f"无法连接到 {target.host}:{target.port}：{exc}") from None


def echo(target: Target, *, timeout: float = 10) -> EchoResult:
    """C-ECHO: is the node there and does it accept us?"""
    started = time.perf_counter()
    ae = _ae([build_context(contexts.VERIFICATION)], timeout=timeout)

    def ms() -> int:
        return int((time.perf_counter() - started) * 1000)

    try:
        assoc = _associate(ae, target)
    except NodeUnreachable as exc:
        return EchoResult(False, ms(), exc.message)
    if not assoc.is_established:
        return EchoResult(False, ms(), _why(target, assoc))
    try:
        status = assoc.send_c_echo()
    finally:
        assoc.release()
    elapsed = ms()
    code = status.get("Status") if status else None
    if code == 0:
        return EchoResult(True, elapsed, f"连通正常（{elapsed} 毫秒）")
    if code is None:
        return EchoResult(False, elapsed, f"{target.label} 未应答 C-ECHO")
    return EchoResult(False, elapsed, f"C-ECHO 失败（状态 0x{int(code):04X}）")


def read(item: Item) -> Dataset:
    with blobs().open(item.blob_key) as fh:
        return pydicom.dcmread(io.BytesIO(fh.read()))


def store(target: Target, items: Sequence[Item], *, on_progress: Callable[[int, int], None] | None = None,
          check: Callable[[], None] | None = None, timeout: float = 60) -> StoreReport:
    """C-STORE the instances to the node over one association, each in its stored transfer syntax
    (decompressed only for a peer that accepts uncompressed alone). ``check`` may raise to stop."""
    report = StoreReport(total=len(items))
    if not items:
        report.message = "没有需要发送的影像"
        return report
    ae = _ae(contexts.requested_for((i.sop_class_uid, i.transfer_syntax) for i in items), timeout=timeout)
    assoc = _associate(ae, target)
    if not assoc.is_established:
        raise NodeUnreachable(_why(target, assoc))
    released = False
    try:
        for n, item in enumerate(items, 1):
            if check is not None:
                check()
            if not assoc.is_established:
                report.statuses[item.sop_uid] = None
                report.failed += 1
                continue
            try:
                ds = contexts.fit(read(item), assoc.accepted_contexts)
                status = assoc.send_c_store(ds)
                code = int(status.Status) if status and "Status" in status else None
            except Exception as exc:  # this instance fails; the others still go
                log.warning("C-STORE of %s to %s failed: %s", item.sop_uid, target.label, exc)
                code = None
            report.statuses[item.sop_uid] = code
            if code == 0:
                report.sent += 1
            elif code is not None and (code & 0xF000) == 0xB000:
                report.sent += 1
                report.warnings += 1
            else:
                report.failed += 1
            if on_progress is not None:
                on_progress(n, len(items))
        assoc.release()
        released = True
    finally:
        if not released:
            assoc.abort()
    if report.failed:
        report.message = f"已发送 {report.sent}/{report.total}，{report.failed} 个失败"
    else:
        report.message = f"已发送 {report.sent} 个实例到 {target.label}"
    return report


_MOVE_MODELS = {"PATIENT": contexts.PATIENT_ROOT_MOVE, "STUDY": contexts.STUDY_ROOT_MOVE}


def move(target: Target, *, destination: str, level: str, keys: dict[str, str], root: str = "STUDY",
         timeout: float = 120) -> MoveReport:
    """C-MOVE: ask the node to send what ``keys`` select (at ``level``) to the AE ``destination``."""
    model = _MOVE_MODELS[root]
    ae = _ae([build_context(model)], timeout=timeout)
    assoc = _associate(ae, target)
    if not assoc.is_established:
        raise NodeUnreachable(_why(target, assoc))
    identifier = Dataset()
    identifier.QueryRetrieveLevel = level
    for keyword, value in keys.items():
        setattr(identifier, keyword, value)
    report = MoveReport(status=None)
    try:
        for status, _ in assoc.send_c_move(identifier, destination, model):
            if not status or "Status" not in status:
                continue
            report.status = int(status.Status)
            report.completed = int(status.get("NumberOfCompletedSuboperations") or report.completed)
            report.failed = int(status.get("NumberOfFailedSuboperations") or report.failed)
            report.warnings = int(status.get("NumberOfWarningSuboperations") or report.warnings)
    finally:
        with contextlib.suppress(Exception):
            assoc.release()
    if report.status is None:
        report.message = f"{target.label} 未应答 C-MOVE"
    elif report.ok:
        report.message = f"已完成 {report.completed} 个，失败 {report.failed} 个"
    else:
        report.message = f"C-MOVE 失败（状态 0x{report.status:04X}），已完成 {report.completed} 个，失败 {report.failed} 个"
    return report

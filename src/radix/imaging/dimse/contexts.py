"""Presentation contexts: what the SCP accepts and what the SCU proposes.

Storage is negotiated per association from what the peer proposes: every storage SOP class
(pynetdicom's AllStoragePresentationContexts) and any private or unknown one, with the peer's own
preference among the transfer syntaxes below, so an instance arrives — and is kept — as it was sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydicom.dataset import Dataset
from pydicom.uid import UID
from pynetdicom import AllStoragePresentationContexts, build_context
from pynetdicom.presentation import PresentationContext
from pynetdicom.service_class import ServiceClass, StorageServiceClass
from pynetdicom.sop_class import uid_to_service_class

IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
EXPLICIT_BE = "1.2.840.10008.1.2.2"
DEFLATED_LE = "1.2.840.10008.1.2.1.99"

#: every transfer syntax the archive accepts for storage (it stores them as received, never decoding)
TRANSFER_SYNTAXES: tuple[tuple[str, str], ...] = (
    (EXPLICIT_LE, "Explicit VR Little Endian"),
    (IMPLICIT_LE, "Implicit VR Little Endian"),
    (EXPLICIT_BE, "Explicit VR Big Endian"),
    (DEFLATED_LE, "Deflated Explicit VR Little Endian"),
    ("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian"),
    ("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)"),
    ("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)"),
    ("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)"),
    ("1.2.840.10008.1.2.4.70", "JPEG Lossless, First-Order Prediction (Process 14, SV1)"),
    ("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
    ("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless"),
    ("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless"),
    ("1.2.840.10008.1.2.4.91", "JPEG 2000"),
    ("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Lossless"),
    ("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component"),
    ("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Lossless"),
    ("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Lossless"),
    ("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000"),
    ("1.2.840.10008.1.2.5", "RLE Lossless"),
    ("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level"),
    ("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level"),
    ("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1"),
    ("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
    ("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
    ("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
    ("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
    ("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1"),
    ("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1"),
)
TS_UIDS: frozenset[str] = frozenset(uid for uid, _ in TRANSFER_SYNTAXES)
UNCOMPRESSED: tuple[str, ...] = (EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE)

VERIFICATION = "1.2.840.10008.1.1"
PATIENT_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.1.1"
PATIENT_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.1.2"
PATIENT_ROOT_GET = "1.2.840.10008.5.1.4.1.2.1.3"
STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1"
STUDY_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.2.2"
STUDY_ROOT_GET = "1.2.840.10008.5.1.4.1.2.2.3"
#: information model of each query/retrieve SOP class: "PATIENT" or "STUDY" root
ROOTS = {
    PATIENT_ROOT_FIND: "PATIENT", PATIENT_ROOT_MOVE: "PATIENT", PATIENT_ROOT_GET: "PATIENT",
    STUDY_ROOT_FIND: "STUDY", STUDY_ROOT_MOVE: "STUDY", STUDY_ROOT_GET: "STUDY",
}

STANDARD_STORAGE: frozenset[str] = frozenset(str(cx.abstract_syntax) for cx in AllStoragePresentationContexts)


def is_storage(uid: str) -> bool:
    """A standard storage SOP class, or a private/unknown one (which can only be storage)."""
    return uid in STANDARD_STORAGE or _original_service_class(UID(uid)) is ServiceClass


def service_contexts() -> list[PresentationContext]:
    """The fixed (non-storage) contexts of the SCP: verification and query/retrieve."""
    return [build_context(uid, [EXPLICIT_LE, IMPLICIT_LE, EXPLICIT_BE, DEFLATED_LE])
            for uid in (VERIFICATION, *ROOTS)]


def storage_contexts_for(proposed: Iterable[PresentationContext]) -> list[PresentationContext]:
    """Storage contexts for one association: each storage-like abstract syntax the peer proposes, with
    the peer's transfer syntaxes that the archive accepts (each context then gets the peer's first
    choice, see ``install``).

    The roles allow acting as SCU too, which C-GET needs on the same association.
    """
    wanted: dict[str, list[str]] = {}
    for cx in proposed:
        uid = str(cx.abstract_syntax)
        if not is_storage(uid):
            continue
        syntaxes = wanted.setdefault(uid, [])
        for ts in cx.transfer_syntax:
            if str(ts) in TS_UIDS and str(ts) not in syntaxes:
                syntaxes.append(str(ts))
    out = []
    for uid, syntaxes in wanted.items():
        if syntaxes:
            cx = build_context(uid, syntaxes)
            cx.scu_role = True
            cx.scp_role = True
            out.append(cx)
    return out


def requested_for(pairs: Iterable[tuple[str, str]], limit: int = 128) -> list[PresentationContext]:
    """What an SCU proposes to send instances of these (SOP class, stored transfer syntax) pairs: the
    stored syntax alone (so that an acceptor cannot pick another), and uncompressed as a fallback
    (within DICOM's 128 contexts, the fallbacks first)."""
    exact: list[PresentationContext] = []
    fallback: list[PresentationContext] = []
    classes: list[str] = []
    for sop_class, ts in dict.fromkeys(pairs):
        if sop_class not in classes:
            classes.append(sop_class)
            fallback.append(build_context(sop_class, list(UNCOMPRESSED)))
        exact.append(build_context(sop_class, [ts]))
    contexts = fallback[:limit]
    return contexts + exact[: max(0, limit - len(contexts))]


def fit(ds: Dataset, accepted: Iterable[PresentationContext]) -> Dataset:
    """The dataset as it can travel over an association with these accepted contexts: as stored when
    its transfer syntax was accepted, else decompressed to explicit little endian (pynetdicom converts
    between the uncompressed syntaxes itself). Decoding happens only here, on the way out."""
    ts = str(ds.file_meta.TransferSyntaxUID)
    sop_class = str(ds.SOPClassUID)
    offered = {str(cx.transfer_syntax[0]) for cx in accepted
               if str(cx.abstract_syntax) == sop_class and cx.as_scu}
    if ts in offered or ts in UNCOMPRESSED or ts == DEFLATED_LE or not offered & set(UNCOMPRESSED):
        return ds
    # a change of transfer syntax is the same instance: keep its SOP Instance UID
    ds.decompress(generate_instance_uid=False)  # raises when no decoder can: that sub-operation fails alone
    return ds


# --- pynetdicom, adjusted (process-wide, idempotent) -----------------------------------------------

_original_service_class = uid_to_service_class


def _service_class(uid: str) -> type[ServiceClass]:
    found = _original_service_class(uid)
    return StorageServiceClass if found is ServiceClass else found


def _requestor_preference(negotiate: Any) -> Any:
    def negotiate_as_acceptor(rq_contexts: list[PresentationContext], ac_contexts: list[PresentationContext],
                              roles: Any = None) -> Any:
        result, replies = negotiate(rq_contexts, ac_contexts, roles)
        proposed = {cx.context_id: cx for cx in rq_contexts}
        supported = {str(cx.abstract_syntax): {str(ts) for ts in cx.transfer_syntax} for cx in ac_contexts}
        for cx in result:
            if cx.result != 0x00 or not is_storage(str(cx.abstract_syntax)):
                continue
            ours = supported.get(str(cx.abstract_syntax), set())
            first = next((ts for ts in proposed[cx.context_id].transfer_syntax if str(ts) in ours), None)
            if first is not None:
                cx.transfer_syntax = [first]
        return result, replies

    negotiate_as_acceptor.radix = True  # type: ignore[attr-defined]
    return negotiate_as_acceptor


def install() -> None:
    """Adjust pynetdicom for an archive that keeps what it receives as it was sent.

    - C-STOREs of private or unknown SOP classes go to the storage service. pynetdicom serves them only
      under its ``UNRESTRICTED_STORAGE_SERVICE`` flag, which would also accept any transfer syntax; here
      a SOP class pynetdicom cannot place (its base ``ServiceClass``, which serves nothing) is storage.
    - A storage context is accepted with the first transfer syntax *the peer* listed that the acceptor
      supports (pynetdicom takes the acceptor's order, so a peer proposing JPEG 2000 before explicit
      little endian would have to transcode).
    """
    from pynetdicom import acse, association

    association.uid_to_service_class = _service_class
    if not getattr(acse.negotiate_as_acceptor, "radix", False):
        acse.negotiate_as_acceptor = _requestor_preference(acse.negotiate_as_acceptor)

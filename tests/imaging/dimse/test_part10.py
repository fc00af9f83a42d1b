"""The Part 10 bytes the C-STORE handler archives are exactly what pynetdicom's own
``event.encoded_dataset()`` would build (its File Meta Information, then the received data set)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pydicom
import pytest
from pynetdicom.dimse_primitives import C_STORE
from pynetdicom.dsutils import create_file_meta, encode_file_meta

from radix.imaging.dimse.handlers import part10


def _event(sop_class: str, sop_uid: str, syntax: str, data: bytes) -> SimpleNamespace:
    request = C_STORE()
    request.AffectedSOPClassUID = sop_class
    request.AffectedSOPInstanceUID = sop_uid
    request.DataSet = io.BytesIO(data)
    return SimpleNamespace(request=request, context=SimpleNamespace(transfer_syntax=pydicom.uid.UID(syntax)))


@pytest.mark.parametrize("sop_uid, syntax", [
    ("1.2.826.0.1.3680043.10.1104.1", "1.2.840.10008.1.2.1"),  # odd length: padded with NUL
    ("1.2.826.0.1.3680043.10.1104.12", "1.2.840.10008.1.2"),  # even length
    ("1.2.3", "1.2.840.10008.1.2.4.50"),
])
def test_part10_matches_pynetdicom(sop_uid, syntax):
    data = b"\x08\x00\x16\x00UI\x1a\x001.2.840.10008.5.1.4.1.1.2\x00"
    event = _event("1.2.840.10008.5.1.4.1.1.2", sop_uid, syntax, data)
    meta = create_file_meta(sop_class_uid=pydicom.uid.UID("1.2.840.10008.5.1.4.1.1.2"),
                            sop_instance_uid=pydicom.uid.UID(sop_uid), transfer_syntax=pydicom.uid.UID(syntax))
    expected = b"\x00" * 128 + b"DICM" + encode_file_meta(meta) + data
    assert part10(event) == expected
    ds = pydicom.dcmread(io.BytesIO(part10(event)))
    assert ds.file_meta.MediaStorageSOPInstanceUID == sop_uid and ds.file_meta.TransferSyntaxUID == syntax

"""The ingest reads a standard Part 10 header itself (``store._read_header``): what it makes of every file
is what ``pydicom.dcmread`` makes of it."""

from __future__ import annotations

import dataclasses
import io
import warnings
from pathlib import Path

import pydicom
import pytest
from pydicom.data import get_testdata_file

from radix.imaging import store, synth
from tests.imaging.shipped import SHIPPED, quiet  # noqa: F401 — quiet: the module's fixture

pytestmark = pytest.mark.usefixtures("quiet")


def outcome(raw: bytes) -> object:
    """What the ingest keeps of a file (everything but the data set object), or its refusal."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = store.parse(raw)
        except store.IngestError as exc:
            return ("refused", str(exc))
        except Exception as exc:  # noqa: BLE001 — the comparison is the point
            return ("raised", type(exc).__name__)
    return {f.name: getattr(parsed, f.name) for f in dataclasses.fields(parsed) if f.name not in ("dataset", "raw")}


def both(raw: bytes, monkeypatch) -> tuple[object, object]:
    """(through dcmread, through the header reader) of the same bytes."""
    ours = outcome(raw)
    with monkeypatch.context() as m:
        m.setattr(store, "_file_meta", lambda raw: None)  # every file to dcmread, as before
        theirs = outcome(raw)
    return theirs, ours


@pytest.mark.parametrize("path", SHIPPED, ids=[Path(p).name for p in SHIPPED])
def test_every_file_pydicom_ships_is_read_alike(path, monkeypatch):
    theirs, ours = both(Path(path).read_bytes(), monkeypatch)
    assert ours == theirs


def test_demo_instances_and_truncations_are_read_alike(monkeypatch):
    raws = synth.sample("demo-a", "parse", slices=2)
    ct = Path(get_testdata_file("CT_small.dcm")).read_bytes()
    cases = [*raws, ct, ct[:132], ct[:140], ct[:300], ct[:-100], ct[128:], b"", b"DICM" * 40]
    for raw in cases:
        theirs, ours = both(raw, monkeypatch)
        assert ours == theirs


def test_the_header_reader_really_reads_the_common_encodings(monkeypatch):
    """The plain and the compressed transfer syntaxes are read without dcmread; deflate goes to dcmread."""
    calls = []
    real = pydicom.dcmread
    monkeypatch.setattr(pydicom, "dcmread", lambda *a, **k: calls.append(1) or real(*a, **k))
    for name in ("CT_small.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm", "JPEG2000.dcm",
                 "SC_rgb_rle.dcm"):
        parsed = store.parse(Path(get_testdata_file(name)).read_bytes())
        assert parsed.sop_uid and parsed.metadata_json
    assert calls == []
    ds = real(get_testdata_file("CT_small.dcm"))
    ds.file_meta.TransferSyntaxUID = pydicom.uid.DeflatedExplicitVRLittleEndian
    deflated = io.BytesIO()
    ds.save_as(deflated, enforce_file_format=True)
    assert store.parse(deflated.getvalue()).transfer_syntax == pydicom.uid.DeflatedExplicitVRLittleEndian
    assert calls == [1]

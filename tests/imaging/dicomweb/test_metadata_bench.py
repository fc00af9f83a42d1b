"""WADO-RS /metadata of a 500-instance study: answered from the index, no file read.

Prints the timing (run with ``-s`` to see it); the assertion bound is loose on purpose (shared CI
machines), the number to compare with Orthanc's 0.31–0.52 s is the printed median."""

from __future__ import annotations

import statistics
import time

import pytest

from tests.imaging.dicomweb.helpers import make_instance, uid

INSTANCES = 500


@pytest.fixture(scope="module")
def big_study(tenant_factory):
    arc = tenant_factory()
    study = uid()
    series = [uid() for _ in range(5)]
    started = time.perf_counter()
    for n in range(INSTANCES):
        arc.ingest(make_instance(study=study, series=series[n % 5], series_number=n % 5 + 1, instance_number=n // 5 + 1,
                                 rows=32, columns=32, patient_name="Bench^Metadata"))
    arc.ingest_seconds = time.perf_counter() - started
    arc.study = study
    return arc


def test_metadata_of_500_instances(big_study, monkeypatch):
    import pydicom

    from radix.core import storage

    def no_file(*a, **k):
        raise AssertionError("metadata must not read files")

    monkeypatch.setattr(pydicom, "dcmread", no_file)
    monkeypatch.setattr(storage.FileBlobStore, "open", no_file)
    monkeypatch.setattr(storage.FileBlobStore, "get", no_file)
    url = f"/dicom-web/studies/{big_study.study}/metadata"
    first = big_study.api.get(url)
    assert first.status_code == 200 and len(first.json()) == INSTANCES
    times = []
    for _ in range(7):
        t = time.perf_counter()
        r = big_study.api.get(url)
        times.append(time.perf_counter() - t)
        assert r.status_code == 200
    median = statistics.median(times)
    print(f"\n/metadata of {INSTANCES} instances ({len(r.content) / 1e6:.2f} MB): median {median * 1000:.1f} ms, "
          f"min {min(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms; "
          f"ingest of {INSTANCES}: {big_study.ingest_seconds:.1f} s")
    assert median < 2.0

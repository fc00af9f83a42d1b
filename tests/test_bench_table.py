"""The benchmark's README table (it must say when the two servers did not answer a query alike, and how the
ablations stand against the target) and the ablations themselves."""

import os
import subprocess
import sys

from bench import ablation, run


def _result(orthanc_matches: int, radix_matches: int) -> dict:
    ingest = {f"{server}_{key}{n}": 1.0 for server in ("orthanc", "radix") for key in ("", "cpu_ms_", "busy_")
              for n in (1, 4)}
    ingest.update(rounds=3, orthanc_metadata_s=0.2, radix_metadata_s=0.01)
    qido = {"instances": 20000}
    for name in ("name_fuzzy", "name_wildcard", "date_range", "patient_id"):
        qido.update({f"orthanc_{name}_p95_ms": 10.0, f"radix_{name}_p95_ms": 5.0,
                     f"orthanc_{name}_matches": 100, f"radix_{name}_matches": 100})
    qido.update(orthanc_name_wildcard_matches=orthanc_matches, radix_name_wildcard_matches=radix_matches)
    return {"ingest": ingest, "qido": qido}


def _row(table: str, name: str) -> str:
    (row,) = [line for line in table.splitlines() if line.startswith(f"| QIDO {name} ")]
    return row


def test_the_table_shows_each_servers_match_count():
    row = _row(run.readme_table(_result(100, 100)), "name_wildcard")
    assert "| 10.0 (100) | 5.0 (100) | 2.0× faster |" in row
    assert "not the same answer" not in row


def test_a_query_answered_differently_is_marked():
    table = run.readme_table(_result(0, 100))
    assert _row(table, "name_wildcard").endswith("| 10.0 (0) | 5.0 (100) | 2.0× faster (not the same answer) |")
    assert "not the same answer" not in _row(table, "date_range")


def test_both_servers_are_asked_for_the_same_studies():
    """The component separator goes literally (Orthanc 1.10 does not decode %5E), the same text to both
    servers except where Orthanc cannot do what is asked (fuzzy matching)."""
    queries = run.QIDO_QUERIES
    for name, (radix_query, orthanc_query) in queries.items():
        assert "%5E" not in radix_query + orthanc_query
        if name != "name_fuzzy":
            assert radix_query == orthanc_query
    assert "fuzzymatching=true" in queries["name_fuzzy"][0]
    assert "fuzzymatching" not in queries["name_fuzzy"][1]


def test_the_ablations_are_reported_against_the_target():
    result = _result(100, 100)
    result["ingest"].update(orthanc_4=500.0, radix_nosync_4=1010.0, radix_nosync_cpu_ms_4=1.0,
                            radix_noindex_4=990.0, radix_noindex_cpu_ms_4=0.9)
    text = run.readme_table(result).split("In the same rounds on 4 associations", 1)[1]
    assert "no fsync of the file or its folder: 1010.0 inst/s (1.0 ms; 2.02× Orthanc, target met)" in text
    assert "no index statements (row, counters, events): 990.0 inst/s (0.9 ms; 1.98× Orthanc, target not met)" in text
    assert "In the same rounds" not in run.readme_table(_result(100, 100))  # a run without them says nothing


_FSYNCS = """
import os, tempfile
from pathlib import Path
calls = []
os.fsync = lambda fd: calls.append(fd)
from radix.core.storage import FileBlobStore
blobs = FileBlobStore(Path(tempfile.mkdtemp()))
blobs.put("dicom/1/ab/x.dcm", b"x" * 10000)  # the first put also makes the shard folders
calls.clear()
blobs.put("dicom/1/ab/y.dcm", b"y" * 10000)
import radix.imaging.store as store
print(len(calls), store._index.__code__.co_filename == store.__file__)
"""


def _in_receiver(tmp_path, ablation_name: str | None) -> list[str]:
    """What a process started the way the benchmark starts `radix dicom` (with or without an ablation) does."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if ablation_name:
        env["PYTHONPATH"] = str(ablation.site_dir(tmp_path, ablation_name))
    return subprocess.run([sys.executable, "-c", _FSYNCS], env=env, capture_output=True, text=True, check=True,
                          timeout=120).stdout.split()


def test_an_ablation_switches_off_what_it_names_and_nothing_else(tmp_path):
    """The bench's ablations patch the receivers at start: a rename in storage.py or store.py must not
    turn one silently into a run of the real thing."""
    assert _in_receiver(tmp_path, None) == ["2", "True"]  # file and folder synced, index statements run
    assert _in_receiver(tmp_path, "nosync") == ["0", "True"]
    assert _in_receiver(tmp_path, "noindex") == ["2", "False"]

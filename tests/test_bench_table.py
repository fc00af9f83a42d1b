"""The benchmark's README table: it must say when the two servers did not answer a query alike."""

from bench import run


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

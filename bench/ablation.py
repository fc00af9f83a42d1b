"""`make bench`, ablations: Radix's receivers with one requirement of the archive switched off, sent the same
storescu runs in the same rounds as the real servers, to show where the issue's ingest target (2× Orthanc on
4 associations) lies on this machine. Never Radix's behaviour and never a switch in its code: each ablation
is a ``sitecustomize`` module that only the benchmark puts first on the ``radix dicom`` processes'
PYTHONPATH (the receivers it starts inherit it), patching the running code at interpreter start.

- ``nosync``: the blob store skips its fsyncs (the file's and its folder's). Acknowledged instances are no
  longer durable against a power loss — what the issue forbids.
- ``noindex``: an instance's index statements are skipped (row, counters, events); the write turn and its
  empty commit stay. Acknowledged instances are not found — what the issue forbids.
"""

from __future__ import annotations

from pathlib import Path

#: name → what it switches off (for the README) and the sitecustomize that does it
ABLATIONS: dict[str, tuple[str, str]] = {
    "nosync": (
        "no fsync of the file or its folder",
        """\
import os

import radix.core.storage as storage


class _NoSync:
    def __getattr__(self, name):
        return getattr(os, name)

    @staticmethod
    def fsync(fd):
        pass


storage.os = _NoSync()
storage._fsync_dir = lambda path: None
""",
    ),
    "noindex": (
        "no index statements (row, counters, events)",
        """\
import radix.imaging.store as store

store._index = lambda *args, **kwargs: None
""",
    ),
}


def site_dir(root: Path, name: str) -> Path:
    """A folder holding the ablation's ``sitecustomize.py``: put it first on PYTHONPATH."""
    folder = root / f"ablation-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(ABLATIONS[name][1])
    return folder

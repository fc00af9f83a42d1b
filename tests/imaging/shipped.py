"""The DICOM files pydicom ships (test and character-set files), which the ingest's readers are checked
against, and a fixture that keeps pydicom's complaints about the malformed ones out of the log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydicom.data import get_charset_files, get_testdata_files

SHIPPED = sorted(p for p in get_testdata_files("*") + get_charset_files("*") if Path(p).is_file())


@pytest.fixture
def quiet() -> Iterator[None]:
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)

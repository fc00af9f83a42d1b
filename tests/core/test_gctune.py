"""The server processes settle Python's cycle collector once they have started."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from radix.core import gctune


def test_settle_freezes_what_exists_and_spaces_young_collections():
    threshold = gc.get_threshold()
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        gctune.settle()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (gctune.YOUNG_THRESHOLD, *threshold[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_the_web_app_settles_at_startup(app):
    threshold = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, *threshold[1:])
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            assert client.get("/api/health").status_code == 200
            assert gc.get_freeze_count() > 0 and gc.get_threshold()[0] == gctune.YOUNG_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)

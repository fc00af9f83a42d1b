"""The built console as `radix web` serves it: hashed assets cached for good, the page always asked again."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def spa_client(configured: None, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from fastapi.testclient import TestClient

    import radix.app

    dist = tmp_path / "web_dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text('<script type="module" src="/assets/index-abc123.js"></script>')
    (dist / "assets" / "index-abc123.js").write_text("console.log('radix')")
    (dist / "favicon.ico").write_bytes(b"\0")
    monkeypatch.setattr(radix.app, "WEB_DIST", dist)
    with TestClient(radix.app.create_app(), raise_server_exceptions=False) as client:
        yield client


def test_hashed_assets_are_kept_by_the_browser_and_the_page_is_always_revalidated(spa_client: Any) -> None:
    asset = spa_client.get("/assets/index-abc123.js")
    assert asset.status_code == 200 and asset.text == "console.log('radix')"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert spa_client.get("/assets/missing-000.js").status_code == 404

    for path in ("/", "/viewer?studyUIDs=1.2.3", "/imaging/studies"):
        page = spa_client.get(path)
        assert page.status_code == 200 and "/assets/index-abc123.js" in page.text
        assert page.headers["cache-control"] == "no-cache"
    assert spa_client.get("/favicon.ico").content == b"\0"
    missing_api = spa_client.get("/api/v1/nothing-here")
    assert missing_api.status_code == 404 and missing_api.json()["code"] == "NOT_FOUND"

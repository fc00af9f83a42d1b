"""Secrets at rest are sealed (AES-256-GCM) and read back transparently."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from radix.core import crypto
from tests.conftest import system_session


def test_seal_round_trip_and_tamper_detection():
    sealed = crypto.seal("授权码-abc123")
    assert sealed.startswith("enc:v1:") and "abc123" not in sealed
    assert crypto.unseal(sealed) == "授权码-abc123"
    assert crypto.seal("x") != crypto.seal("x")  # a fresh nonce each time
    assert crypto.unseal("legacy-plain") == "legacy-plain"
    broken = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(ValueError):
        crypto.unseal(broken)


def test_smtp_password_is_stored_sealed(new_tenant):
    from radix.platform.notify.models import EmailSetting

    tenant, admin = new_tenant()
    admin.ok("PUT", "/api/v1/platform/email/settings", json={
        "provider": "smtp", "host": "smtp.example.com", "port": 465, "security": "ssl",
        "fromAddress": "radix@example.com", "username": "radix@example.com", "password": "Secret-Auth-Code"})
    with system_session() as s:
        raw = s.execute(sa.text("SELECT password FROM email_setting WHERE tenant_id = :t"), {"t": tenant["id"]}).scalar_one()
        row = s.scalars(sa.select(EmailSetting).where(EmailSetting.tenant_id == tenant["id"])).one()
        assert raw.startswith("enc:v1:") and "Secret-Auth-Code" not in raw
        assert row.password == "Secret-Auth-Code"

"""Shared arrangements for the notification tests: fake providers and direct database access."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import httpx

from tests.net import free_port


@contextlib.contextmanager
def system_db() -> Iterator[Any]:
    from radix.core.db import session_scope
    from radix.core.tenancy import SYSTEM, set_scope

    with session_scope() as s:
        set_scope(s, SYSTEM)
        yield s


def enc(value: str) -> str:
    return quote(value, safe="~")


def expected_signature(secret: str, params: dict[str, str]) -> str:
    """阿里云 RPC signature v1, written out independently of the code under test."""
    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    to_sign = "GET&%2F&" + enc(query)
    return base64.b64encode(hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


class FakeAliyun:
    """An ``httpx.MockTransport`` standing in for dysmsapi.aliyuncs.com: checks the signature with
    the secret it knows and answers OK or the configured error code."""

    def __init__(self, secret: str, answer: dict[str, Any] | None = None) -> None:
        self.secret = secret
        self.answer = answer or {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "r1"}
        self.requests: list[dict[str, str]] = []
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        url = urlsplit(str(request.url))
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        signature = params.pop("Signature")
        self.requests.append({**params, "_host": url.hostname or "", "_scheme": url.scheme})
        if signature != expected_signature(self.secret, params):
            return httpx.Response(400, json={"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched"})
        return httpx.Response(200, json=self.answer)


class SmtpServer:
    """A real SMTP server (aiosmtpd) on loopback that accepts one login and keeps what it receives."""

    def __init__(self, username: str = "mailer@example.com", password: str = "secret-code") -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages: list[dict[str, Any]] = []
        self.port = free_port()
        self.lock = threading.Lock()
        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                with outer.lock:
                    outer.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                           "data": envelope.original_content})
                return "250 OK"

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
            ok = auth_data.login.decode() == username and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, authenticator=authenticator,
                                     auth_require_tls=False)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.controller.stop()


def parse_mail(raw: bytes) -> Any:
    from email import policy
    from email.parser import BytesParser

    return BytesParser(policy=policy.default).parsebytes(raw)

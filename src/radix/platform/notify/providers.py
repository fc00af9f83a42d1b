"""The adapters that actually deliver a message: 阿里云短信 (SendSms, RPC signature v1), SMTP, and the
local provider that only records what would have been sent.

An adapter returns the provider's message id or raises :class:`DeliveryError` with a Chinese
reason an administrator can act on; it never touches the database.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import html
import json
import re
import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any
from urllib.parse import quote

import httpx


class DeliveryError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message[:500]
        super().__init__(self.message)


@dataclass
class Outgoing:
    """One message with its real values (verification codes unmasked)."""

    recipient: str
    content: str
    subject: str | None = None
    template_code: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    reference: str | None = None


# --- local -----------------------------------------------------------------------------------------


def send_local(message: Outgoing) -> str:
    """Nothing leaves the machine: the log row is the record of what would have been sent."""
    return f"local-{uuid.uuid4().hex[:16]}"


# --- 阿里云短信 -------------------------------------------------------------------------------------

ALIYUN_API_VERSION = "2017-05-25"

#: tests replace this with an ``httpx.MockTransport``; ``None`` means the network
aliyun_transport: httpx.BaseTransport | None = None

ALIYUN_ERRORS = {
    "isv.SMS_SIGNATURE_ILLEGAL": "短信签名不可用（不存在或未审核通过）",
    "isv.SMS_SIGN_ILLEGAL": "短信签名不可用（不存在或未审核通过）",
    "isv.SMS_TEMPLATE_ILLEGAL": "短信模板不可用（模板code不存在或未审核通过）",
    "isv.TEMPLATE_MISSING_PARAMETERS": "模板变量缺少对应的参数值",
    "isv.TEMPLATE_PARAMS_ILLEGAL": "模板变量的值不符合阿里云的要求",
    "isv.MOBILE_NUMBER_ILLEGAL": "手机号码格式不正确",
    "isv.BUSINESS_LIMIT_CONTROL": "触发阿里云发送频率限制，请稍后再试",
    "isv.DAY_LIMIT_CONTROL": "已达到当日发送上限",
    "isv.AMOUNT_NOT_ENOUGH": "阿里云账户余额不足",
    "isv.OUT_OF_SERVICE": "阿里云短信业务已停机，请检查账户余额",
    "isv.BLACK_KEY_CONTROL_LIMIT": "短信内容包含禁止发送的关键字",
    "isv.ACCOUNT_NOT_EXISTS": "阿里云账户不存在",
    "isv.ACCOUNT_ABNORMAL": "阿里云账户异常",
    "InvalidAccessKeyId.NotFound": "AccessKey ID 不存在",
    "InvalidAccessKeyId.Inactive": "AccessKey ID 已被禁用",
    "SignatureDoesNotMatch": "AccessKey Secret 不正确（签名校验失败）",
    "Forbidden.RAM": "该 AccessKey 没有短信发送权限",
}


def percent_encode(value: Any) -> str:
    """RFC 3986 encoding as 阿里云 requires: only A-Z a-z 0-9 - _ . ~ stay; a space is %20."""
    return quote(str(value), safe="~")


def canonical_query(params: dict[str, Any]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))


def aliyun_signature(secret: str, params: dict[str, Any], method: str = "GET") -> str:
    """HMAC-SHA1 over ``METHOD&%2F&<encoded canonical query>`` with ``secret + "&"`` (signature v1)."""
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def send_aliyun(setting: Any, message: Outgoing, *, timeout: float = 10.0) -> str:
    if not message.template_code:
        raise DeliveryError("缺少短信模板code")
    params: dict[str, Any] = {
        "AccessKeyId": setting.access_key_id,
        "Action": "SendSms",
        "Format": "JSON",
        "PhoneNumbers": message.recipient,
        "RegionId": setting.region_id or "cn-hangzhou",
        "SignName": setting.sign_name,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "TemplateCode": message.template_code,
        "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": ALIYUN_API_VERSION,
    }
    if message.params:
        params["TemplateParam"] = json.dumps(message.params, ensure_ascii=False, separators=(",", ":"))
    if message.reference:
        params["OutId"] = message.reference
    signature = aliyun_signature(setting.access_key_secret or "", params)
    url = f"https://{setting.endpoint}/?Signature={percent_encode(signature)}&{canonical_query(params)}"
    try:
        with httpx.Client(timeout=timeout, transport=aliyun_transport) as client:
            response = client.get(url)
    except httpx.TimeoutException:
        raise DeliveryError("连接阿里云短信服务超时，请稍后重试") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"无法连接阿里云短信服务（{setting.endpoint}）：{exc}") from None
    try:
        body = response.json()
    except ValueError:
        raise DeliveryError(f"阿里云短信服务返回了无法识别的内容（HTTP {response.status_code}）") from None
    code = str(body.get("Code") or "")
    if code == "OK":
        return str(body.get("BizId") or body.get("RequestId") or "")
    reason = ALIYUN_ERRORS.get(code) or str(body.get("Message") or "阿里云短信服务拒绝了请求")
    raise DeliveryError(f"{reason}（{code or 'HTTP ' + str(response.status_code)}）")


# --- SMTP ---------------------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"(?i)<\s*(br|/p|/div|/h[1-6]|/li|/tr)\s*/?>")


def html_to_text(markup: str) -> str:
    text = _BREAK.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def build_email(setting: Any, message: Outgoing) -> EmailMessage:
    msg = EmailMessage()
    subject = re.sub(r"[\r\n]+", " ", message.subject or "")
    msg["Subject"] = subject
    sender = setting.from_address or "noreply@localhost"
    msg["From"] = formataddr((setting.from_name, sender)) if setting.from_name else sender
    msg["To"] = message.recipient
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(html_to_text(message.content) or subject)
    msg.add_alternative(message.content, subtype="html")
    return msg


def send_smtp(setting: Any, message: Outgoing) -> str:
    msg = build_email(setting, message)
    host, port = setting.host, int(setting.port)
    timeout = max(1, int(setting.timeout_seconds or 10))
    security = getattr(setting.security, "value", setting.security)
    try:
        context = ssl.create_default_context()
        if security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if security == "starttls":
                client.starttls(context=context)
            if setting.username:
                client.login(setting.username, setting.password or "")
            refused = client.send_message(msg)
        if refused:
            raise DeliveryError(f"收件人被邮件服务器拒绝：{', '.join(refused)}")
    except DeliveryError:
        raise
    except smtplib.SMTPAuthenticationError:
        raise DeliveryError("邮件服务器认证失败，请检查账号和密码（授权码）") from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError("邮件服务器不支持当前的加密方式或认证方式") from None
    except smtplib.SMTPRecipientsRefused:
        raise DeliveryError("收件人地址被邮件服务器拒绝") from None
    except smtplib.SMTPSenderRefused:
        raise DeliveryError("发件人地址被邮件服务器拒绝，请检查发件人邮箱") from None
    except smtplib.SMTPServerDisconnected:
        raise DeliveryError("邮件服务器断开了连接，请检查端口与加密方式") from None
    except smtplib.SMTPResponseException as exc:
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise DeliveryError(f"邮件服务器返回错误：{exc.smtp_code} {detail}") from None
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"邮件发送失败：{exc}") from None
    except ssl.SSLError:
        raise DeliveryError("与邮件服务器的加密握手失败，请检查端口与加密方式") from None
    except (socket.timeout, TimeoutError):
        raise DeliveryError(f"连接邮件服务器超时（{host}:{port}）") from None
    except socket.gaierror:
        raise DeliveryError(f"无法解析邮件服务器地址：{host}") from None
    except OSError as exc:
        raise DeliveryError(f"无法连接邮件服务器（{host}:{port}）：{exc.strerror or exc}") from None
    return str(msg["Message-ID"])

"""The provider adapters on their own: the 阿里云 signature, the e-mail that SMTP receives."""

from __future__ import annotations

from types import SimpleNamespace

from radix.platform.notify import providers


def test_aliyun_signature_matches_the_documented_example():
    # the worked example of 阿里云's "签名机制" page (AccessKey testId / testSecret)
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert providers.aliyun_signature("testSecret", params) == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    assert providers.percent_encode("zJDF+Lrzhj/ThnlvIToysFRq6t4=") == "zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D"


def test_percent_encoding_is_rfc3986():
    assert providers.percent_encode("a b*c~d+e") == "a%20b%2Ac~d%2Be"
    assert providers.canonical_query({"b": "2", "a": "中"}) == "a=%E4%B8%AD&b=2"


def test_email_has_chinese_sender_text_and_html_parts():
    setting = SimpleNamespace(from_address="radix@example.com", from_name="Radix 影像平台")
    msg = providers.build_email(setting, providers.Outgoing(
        recipient="doc@example.com", subject="报告通知\r\nBcc: evil@example.com", content="<p>您好，<b>张三</b></p><p>报告已出</p>",
    ))
    # a line break in a subject never becomes a second header
    assert msg["Subject"] == "报告通知 Bcc: evil@example.com"
    assert msg["Bcc"] is None
    assert "Radix" in str(msg["From"]) and "radix@example.com" in str(msg["From"])
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "您好，张三" in plain and "<b>" not in plain
    assert "<b>张三</b>" in html
    assert msg["Message-ID"].endswith("@example.com>")

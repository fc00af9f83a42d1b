from __future__ import annotations

import datetime as dt

from pydantic import field_validator, model_validator

from radix.core.schemas import AppModel, F


class SecurityPolicyRead(AppModel):
    tenant_id: int = F(zh="机构", en="Institution")
    saved: bool = F(False, zh="已保存", en="Saved")
    auto_logout_enabled: bool = F(zh="自动退出", en="Auto logout")
    auto_logout_minutes: int = F(zh="无操作自动退出（分钟）", en="Idle minutes")
    password_expiry_enabled: bool = F(zh="密码有效期", en="Password expiry")
    password_expiry_days: int = F(zh="密码有效期（天）", en="Password validity (days)")
    password_min_length: int = F(zh="密码最小长度", en="Min length")
    password_max_length: int = F(zh="密码最大长度", en="Max length")
    password_require_digit: bool = F(zh="必须包含数字", en="Require a digit")
    password_require_letter: bool = F(zh="必须包含字母", en="Require a letter")
    password_require_upper: bool = F(zh="必须包含大写字母", en="Require an upper-case letter")
    password_require_special: bool = F(zh="必须包含特殊字符", en="Require a symbol")
    lockout_enabled: bool = F(zh="登录失败锁定", en="Lockout")
    lockout_threshold: int = F(zh="连续失败次数", en="Failures before lockout")
    lockout_minutes: int = F(zh="锁定时长（分钟）", en="Lockout minutes")
    ip_limit_enabled: bool = F(zh="IP登录限制", en="IP allowlist")
    single_session_enabled: bool = F(zh="限制单点登录", en="Single session")


class SecurityPolicyUpdate(AppModel):
    auto_logout_enabled: bool | None = F(None, zh="自动退出", en="Auto logout", widget="switch")
    auto_logout_minutes: int | None = F(None, zh="无操作自动退出（分钟）", en="Idle minutes", ge=1, le=1440)
    password_expiry_enabled: bool | None = F(None, zh="密码有效期", en="Password expiry", widget="switch")
    password_expiry_days: int | None = F(None, zh="密码有效期（天）", en="Password validity (days)", ge=1, le=3650)
    password_min_length: int | None = F(None, zh="密码最小长度", en="Min length", ge=6, le=32)
    password_max_length: int | None = F(None, zh="密码最大长度", en="Max length", ge=6, le=64)
    password_require_digit: bool | None = F(None, zh="必须包含数字", en="Require a digit", widget="switch")
    password_require_letter: bool | None = F(None, zh="必须包含字母", en="Require a letter", widget="switch")
    password_require_upper: bool | None = F(None, zh="必须包含大写字母", en="Require an upper-case letter", widget="switch")
    password_require_special: bool | None = F(None, zh="必须包含特殊字符", en="Require a symbol", widget="switch")
    lockout_enabled: bool | None = F(None, zh="登录失败锁定", en="Lockout", widget="switch")
    lockout_threshold: int | None = F(None, zh="连续失败次数", en="Failures before lockout", ge=1, le=20)
    lockout_minutes: int | None = F(None, zh="锁定时长（分钟）", en="Lockout minutes", ge=1, le=1440)
    ip_limit_enabled: bool | None = F(None, zh="IP登录限制", en="IP allowlist", widget="switch")
    single_session_enabled: bool | None = F(None, zh="限制单点登录", en="Single session", widget="switch")

    @model_validator(mode="after")
    def _lengths(self) -> "SecurityPolicyUpdate":
        lo, hi = self.password_min_length, self.password_max_length
        if lo is not None and hi is not None and lo > hi:
            raise ValueError("密码最小长度不能大于最大长度")
        return self


class IpRuleRead(AppModel):
    id: int = F(zh="编号", en="ID")
    tenant_id: int = F(zh="机构", en="Institution", column=False)
    cidr: str = F(zh="IP 地址/网段", en="IP / CIDR")
    enabled: bool = F(zh="启用", en="Enabled")
    remark: str | None = F(None, zh="备注", en="Remark")
    created_by: str | None = F(None, zh="添加人", en="Added by")
    created_at: dt.datetime = F(zh="添加时间", en="Added at")


def _cidr(value: str) -> str:
    from radix.platform.security.service import parse_cidr

    return str(parse_cidr(value))


class IpRuleCreate(AppModel):
    cidr: str = F(zh="IP 地址/网段", en="IP / CIDR", min_length=2, max_length=64,
                  description="如 192.168.1.10 或 192.168.1.0/24")
    enabled: bool = F(True, zh="启用", en="Enabled", widget="switch")
    remark: str | None = F(None, zh="备注", en="Remark", max_length=200)

    @field_validator("cidr")
    @classmethod
    def _v(cls, value: str) -> str:
        return _cidr(value)


class IpRuleUpdate(AppModel):
    cidr: str | None = F(None, zh="IP 地址/网段", en="IP / CIDR", min_length=2, max_length=64)
    enabled: bool | None = F(None, zh="启用", en="Enabled")
    remark: str | None = F(None, zh="备注", en="Remark", max_length=200)

    @field_validator("cidr")
    @classmethod
    def _v(cls, value: str | None) -> str | None:
        return None if value is None else _cidr(value)

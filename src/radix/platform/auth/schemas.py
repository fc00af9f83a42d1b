from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from radix.core.schemas import AppModel, F
from radix.platform.rules import Password


class LoginIn(AppModel):
    tenant: str = F(zh="账号（租户名称/机构名称/机构ID）", en="Tenant", min_length=1, max_length=64)
    username: str = F(zh="用户名或手机号", en="Username or phone", min_length=1, max_length=64)
    password: str = F(zh="密码", en="Password", min_length=1, max_length=128)
    agree_terms: bool = F(False, zh="已阅读并同意《隐私政策》《用户协议》", en="Accept the privacy policy and user agreement")


class LoginOut(AppModel):
    token: str
    expires_at: str
    me: dict[str, Any]


class ChangePasswordIn(AppModel):
    old_password: str = F(zh="原密码", en="Current password", min_length=1, max_length=128)
    new_password: Password = F(zh="新密码", en="New password")
    confirm_password: str = F(zh="确认密码", en="Confirm password", max_length=128)


class PreferencesIn(AppModel):
    nav_mode: Literal["workstation", "integrated"] | None = F(None, zh="导航模式", en="Navigation mode")
    language: Literal["zh-CN", "en"] | None = F(None, zh="语言", en="Language")
    recent: list[str] | None = Field(None, max_length=50, title="最近使用")
    favorites: list[str] | None = Field(None, max_length=100, title="常用功能")
    theme: Literal["light", "dark", "blue"] | None = F(None, zh="主题", en="Theme")


class AccessIn(AppModel):
    page: str = F(zh="页面", en="Page", min_length=1, max_length=255)
    title: str | None = F(None, zh="标题", en="Title", max_length=100)
    target_type: str | None = F(None, zh="对象类型", en="Target type", max_length=64)
    target_id: str | None = F(None, zh="对象编号", en="Target", max_length=64)

from __future__ import annotations

from radix.core.schemas import AppModel, F


class PlatformSettingRead(AppModel):
    tenant_id: int = F(zh="机构", en="Institution")
    saved: bool = F(False, zh="已保存", en="Saved")
    site_name: str = F(zh="站点名称", en="Site name")
    site_name_en: str | None = F(None, zh="英文站点名称", en="Site name (English)")
    logo: str | None = F(None, zh="站点 Logo", en="Logo", widget="image")
    login_title: str | None = F(None, zh="登录页标题", en="Login title")
    login_subtitle: str | None = F(None, zh="登录页副标题", en="Login subtitle")
    login_notice: str | None = F(None, zh="登录页公告", en="Login notice")
    copyright: str | None = F(None, zh="版权信息", en="Copyright")
    icp: str | None = F(None, zh="备案号", en="ICP number")
    privacy_policy: str = F(zh="隐私政策", en="Privacy policy", widget="richtext")
    user_agreement: str = F(zh="用户注册及服务协议", en="User agreement", widget="richtext")


class PlatformSettingUpdate(AppModel):
    site_name: str = F(zh="站点名称", en="Site name", min_length=1, max_length=64)
    site_name_en: str | None = F(None, zh="英文站点名称", en="Site name (English)", max_length=64)
    login_title: str | None = F(None, zh="登录页标题", en="Login title", max_length=64)
    login_subtitle: str | None = F(None, zh="登录页副标题", en="Login subtitle", max_length=200)
    login_notice: str | None = F(None, zh="登录页公告", en="Login notice", max_length=500, widget="textarea")
    copyright: str | None = F(None, zh="版权信息", en="Copyright", max_length=200)
    icp: str | None = F(None, zh="备案号", en="ICP number", max_length=64)
    privacy_policy: str = F(zh="隐私政策", en="Privacy policy", min_length=1, max_length=50000, widget="richtext")
    user_agreement: str = F(zh="用户注册及服务协议", en="User agreement", min_length=1, max_length=50000, widget="richtext")

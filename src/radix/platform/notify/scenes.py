"""Business scenes a template can serve (验证码, 余额提醒 …).

A provider's template code is chosen by whoever registers it (阿里云 assigns ``SMS_…`` codes per
account), so code that sends a message names a *scene* instead and the tenant's enabled template
for that scene is used. Other domains register their scenes from their own ``dicts.py``:
``scenes.register("report_ready", "报告已出", "Report ready", params=("patientName",))``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scene:
    key: str
    zh: str
    en: str
    #: the variables a template of this scene is expected to use (documentation for the form)
    params: tuple[str, ...] = ()
    #: variables whose values never reach the logs (shown as ******)
    secret: tuple[str, ...] = ()


#: variable names masked in logs whatever the scene (a code is a code)
ALWAYS_SECRET = frozenset({"code", "verifyCode", "password", "pwd"})

_scenes: dict[str, Scene] = {}


def register(key: str, zh: str, en: str, *, params: tuple[str, ...] = (), secret: tuple[str, ...] = ()) -> Scene:
    scene = Scene(key, zh, en, params, secret)
    _scenes[key] = scene
    return scene


def get(key: str | None) -> Scene | None:
    return _scenes.get(key) if key else None


def all_scenes() -> list[Scene]:
    return list(_scenes.values())


def secret_names(scene_key: str | None) -> frozenset[str]:
    scene = get(scene_key)
    return ALWAYS_SECRET | frozenset(scene.secret if scene else ())


VERIFY_CODE = register("verify_code", "验证码", "Verification code", params=("code", "minutes"), secret=("code",))
PASSWORD_RESET = register("password_reset", "密码重置通知", "Password reset", params=("name", "password"),
                          secret=("password",))
BALANCE_REMIND = register("balance_remind", "余额提醒", "Balance reminder", params=("tenantName", "balance"))
GENERAL = register("general", "通用通知", "General notice", params=("content",))

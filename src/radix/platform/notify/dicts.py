"""The ``notify_scene`` dictionary: the business scenes a template can be bound to."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from radix.core.meta import register_dict
from radix.platform.notify import scenes


def _scene_options(_session: Session) -> list[dict[str, Any]]:
    return [
        {"value": s.key, "label": s.zh, "labelEn": s.en, "params": list(s.params)}
        for s in scenes.all_scenes()
    ]


register_dict("notify_scene", "通知场景", _scene_options)

"""The built-in menu tree and the default grants of manual 4 §8.1.1.6 / §8.1.3 (adapted to Radix).

Each node has a stable ``key``; seeding inserts what is missing and never overwrites what an
administrator edited. Later domains add their modules here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ALL_KINDS = ("platform", "regional", "normal")
PLATFORM_ONLY = ("platform",)
NOT_NORMAL = ("platform", "regional")

CRUD = (
    ("query", "查询", "Query"),
    ("add", "新增", "Add"),
    ("edit", "修改", "Edit"),
    ("remove", "删除", "Delete"),
    ("export", "导出", "Export"),
)


@dataclass
class Node:
    key: str
    kind: str
    name: str
    name_en: str
    permission: str | None = None
    path: str | None = None
    component: str | None = None
    icon: str | None = None
    app: str = "platform"
    kinds: tuple[str, ...] = ALL_KINDS
    children: list["Node"] = field(default_factory=list)


def directory(key: str, name: str, en: str, *children: Node, icon: str | None = None, app: str = "platform",
              kinds: tuple[str, ...] = ALL_KINDS) -> Node:
    return Node(key, "directory", name, en, icon=icon, app=app, kinds=kinds, children=list(children))


def group(key: str, name: str, en: str, *children: Node, icon: str | None = None, app: str = "platform",
          kinds: tuple[str, ...] = ALL_KINDS) -> Node:
    """A second-level menu (a 功能域) holding pages."""
    return Node(key, "menu", name, en, icon=icon, app=app, kinds=kinds, children=list(children))


def page(
    key: str,
    name: str,
    en: str,
    perm: str,
    path: str,
    component: str,
    *,
    buttons: tuple[tuple[str, str, str], ...] = CRUD,
    extra: tuple[tuple[str, str, str], ...] = (),
    icon: str | None = None,
    app: str = "platform",
    kinds: tuple[str, ...] = ALL_KINDS,
) -> Node:
    """A page: a menu whose permission is ``<perm>:list`` with its buttons ``<perm>:<action>``."""
    node = Node(key, "menu", name, en, permission=f"{perm}:list", path=path, component=component, icon=icon,
                app=app, kinds=kinds)
    for action, zh, ben in buttons + extra:
        node.children.append(
            Node(f"{key}.{action}", "button", zh, ben, permission=f"{perm}:{action}", app=app, kinds=kinds)
        )
    return node


SETTINGS_BUTTONS = (("query", "查询", "Query"), ("edit", "修改", "Edit"))
LOG_BUTTONS = (("query", "查询", "Query"), ("export", "导出", "Export"))
IMPORT = (("import", "导入", "Import"),)


def _master(key: str, name: str, en: str, entity: str, extra: tuple = ()) -> Node:
    return page(
        f"system.masterdata.{key}", name, en, f"platform:{entity}", f"/system/masterdata/{key}",
        f"platform/masterdata/{key}/index", extra=IMPORT + (("sync", "数据同步", "Sync"),) + extra,
    )


TREE: list[Node] = [
    Node("home", "menu", "首页", "Home", permission="platform:home:view", path="/home", component="home/index",
         icon="HomeFilled"),
    directory(
        "business", "业务", "Business",
        group(
            "business.diagnosis", "影像诊断", "Diagnosis",
            page("business.diagnosis.list", "诊断列表", "Diagnosis list", "ris:diagnosis", "/ris/diagnosis",
                 "ris/diagnosis/index", buttons=(("query", "查询", "Query"), ("export", "导出", "Export")),
                 extra=(("report", "报告", "Report"), ("review", "终审", "Final review")), app="ris"),
            # the diagnostic viewer (/viewer, opened from the study lists): not a page of the menu, its
            # buttons are what a role may do in it; base app, since every study list opens it
            Node("business.diagnosis.viewer", "menu", "影像阅片", "Viewer", permission="viewer:viewer:view",
                 children=[Node(f"business.diagnosis.viewer.{key}", "button", zh, en, permission=perm)
                           for key, zh, en, perm in (
                               ("annotation", "查看标注", "View annotations", "viewer:annotation:query"),
                               ("annotate", "保存标注", "Save annotations", "viewer:annotation:edit"),
                               ("setting", "查看设置", "View settings", "viewer:setting:query"),
                               ("settingEdit", "修改设置", "Edit settings", "viewer:setting:edit"),
                               ("download", "下载影像", "Download series", "viewer:series:download"),
                               ("series", "序列管理", "Split / new series", "viewer:series:edit"),
                               ("registration", "查看配准", "View registrations", "viewer:registration:query"),
                               ("register", "配准", "Register series", "viewer:registration:edit"),
                               ("stitch", "图像拼接", "Stitch images", "viewer:stitch:export"))]),
            # 胶片打印 (manual 2 §3.1.27): the film editor (opened from the viewer too) and the print tasks
            Node("business.diagnosis.film", "menu", "胶片打印", "Film printing", permission="film:task:compose",
                 path="/film", component="film/index"),
            page("business.diagnosis.filmtask", "打印任务", "Print tasks", "film:task", "/film/task", "film/task/index",
                 extra=(("print", "打印", "Print"), ("download", "导出胶片", "Export films"))),
            app="ris",
        ),
        icon="Briefcase", app="ris",
    ),
    directory(
        "data", "数据", "Data",
        group(
            "data.imaging", "影像数据", "Imaging data",
            page("data.imaging.study", "检查列表", "Studies", "imaging:study", "/imaging/study",
                 "imaging/study/index", buttons=(("query", "查询", "Query"), ("export", "导出", "Export"),
                                                  ("remove", "删除", "Delete"), ("view", "阅片", "Open viewer"),
                                                  ("send", "发送", "Send"))),
            page("data.imaging.instance", "影像数据", "Images", "imaging:instance", "/imaging/instance",
                 "imaging/instance/index", buttons=(("query", "查询", "Query"), ("export", "导出", "Export"),
                                                     ("download", "下载", "Download"))),
            page("data.imaging.patient", "患者列表", "Patients", "imaging:patient", "/imaging/patient",
                 "imaging/patient/index", buttons=(("query", "查询", "Query"), ("export", "导出", "Export"),
                                                    ("merge", "合并", "Merge"), ("unmerge", "撤销合并", "Undo merge"))),
            page("data.imaging.upload", "本地上传", "Upload", "imaging:upload", "/imaging/upload",
                 "imaging/upload/index", buttons=(("query", "查询", "Query"), ("add", "上传", "Upload"),
                                                   ("cancel", "取消上传", "Cancel"))),
            page("data.imaging.share", "调阅记录", "Shares and views", "imaging:share", "/imaging/share",
                 "imaging/share/index", buttons=(("query", "查询", "Query"), ("add", "分享", "Share"),
                                                  ("remove", "撤销", "Revoke"), ("export", "导出", "Export"))),
        ),
        icon="DataAnalysis",
    ),
    directory(
        "monitor", "监控", "Monitor",
        group(
            "monitor.imaging", "影像监控", "Imaging monitor",
            page("monitor.imaging.receive", "接收队列", "Receive queue", "imaging:event", "/imaging/receive",
                 "imaging/receive/index", buttons=(("query", "查询", "Query"), ("export", "导出", "Export"))),
            page("monitor.imaging.storage", "数据存储", "Storage", "imaging:storage", "/imaging/storage",
                 "imaging/storage/index", buttons=(("query", "查询", "Query"),)),
        ),
        icon="Monitor",
    ),
    directory(
        "system", "配置", "Settings",
        group(
            "system.access", "权限管理", "Access",
            page("system.access.tenant", "租户管理", "Tenants", "platform:tenant", "/system/tenant",
                 "platform/tenant/index", kinds=NOT_NORMAL,
                 extra=(("app", "应用管理", "Apps"), ("grant", "菜单权限", "Menu permissions"),
                        ("resetPwd", "重置密码", "Reset password"), ("status", "启用/禁用", "Enable/disable"))),
            page("system.access.account", "账号管理", "Accounts", "platform:account", "/system/account",
                 "platform/account/index",
                 extra=IMPORT + (("resetPwd", "重置密码", "Reset password"), ("status", "启用/禁用", "Enable/disable"),
                                 ("unmask", "查看敏感信息", "Unmask"))),
            page("system.access.role", "角色管理", "Roles", "platform:role", "/system/role", "platform/role/index",
                 extra=(("status", "启用/禁用", "Enable/disable"),)),
        ),
        group(
            "system.menus", "菜单管理", "Menus",
            page("system.menus.menu", "菜单管理", "Menus", "platform:menu", "/system/menu", "platform/menu/index",
                 kinds=PLATFORM_ONLY),
            page("system.menus.workstation", "工作站管理", "Workstations", "platform:workstation",
                 "/system/workstation", "platform/workstation/index", kinds=PLATFORM_ONLY),
            kinds=PLATFORM_ONLY,
        ),
        group(
            "system.org", "机构设置", "Organization",
            page("system.org.institution", "机构信息", "Institution", "platform:institution", "/system/institution",
                 "platform/institution/index"),
            page("system.org.department", "科室管理", "Departments", "platform:department", "/system/department",
                 "platform/department/index"),
            page("system.org.setting", "平台设置", "Platform settings", "platform:setting", "/system/setting",
                 "platform/setting/index", buttons=SETTINGS_BUTTONS),
            page("system.org.security", "安全策略", "Security policy", "platform:security", "/system/security",
                 "platform/security/index", buttons=SETTINGS_BUTTONS + (("add", "添加IP", "Add IP"),
                                                                       ("remove", "删除IP", "Delete IP"))),
        ),
        group(
            "system.dicom", "影像设置", "Imaging",
            page("system.dicom.node", "DICOM节点", "DICOM nodes", "imaging:node", "/system/dicom-node",
                 "imaging/node/index", extra=(("echo", "连通测试", "C-ECHO"),)),
        ),
        group(
            "system.billing", "账户管理", "Billing",
            page("system.billing.balance", "账户管理", "Account balance", "platform:balance", "/system/balance",
                 "platform/balance/index", buttons=(("query", "查询", "Query"), ("recharge", "充值", "Recharge"),
                                                    ("remind", "余额提醒", "Balance reminder"))),
        ),
        group(
            "system.log", "日志管理", "Logs",
            page("system.log.login", "登录日志", "Login log", "platform:login_log", "/system/log/login",
                 "platform/log/login", buttons=LOG_BUTTONS),
            page("system.log.operation", "操作日志", "Operation log", "platform:operation_log",
                 "/system/log/operation", "platform/log/operation", buttons=LOG_BUTTONS),
            page("system.log.access", "访问日志", "Access log", "platform:access_log", "/system/log/access",
                 "platform/log/access", buttons=LOG_BUTTONS),
        ),
        group(
            "system.sms", "短信管理", "SMS",
            page("system.sms.setting", "短信设置", "SMS settings", "platform:sms_setting", "/system/sms/setting",
                 "platform/sms/setting", buttons=SETTINGS_BUTTONS + (("test", "发送测试", "Send test"),)),
            page("system.sms.template", "短信模板", "SMS templates", "platform:sms_template", "/system/sms/template",
                 "platform/sms/template"),
            page("system.sms.log", "短信日志", "SMS log", "platform:sms_log", "/system/sms/log", "platform/sms/log",
                 buttons=LOG_BUTTONS),
        ),
        group(
            "system.email", "邮件管理", "Email",
            page("system.email.setting", "邮件设置", "Email settings", "platform:email_setting",
                 "/system/email/setting", "platform/email/setting",
                 buttons=SETTINGS_BUTTONS + (("test", "发送测试", "Send test"),)),
            page("system.email.template", "邮件模板", "Email templates", "platform:email_template",
                 "/system/email/template", "platform/email/template"),
            page("system.email.log", "邮件日志", "Email log", "platform:email_log", "/system/email/log",
                 "platform/email/log", buttons=LOG_BUTTONS),
        ),
        group(
            "system.masterdata", "数据维护", "Master data",
            _master("hospital_type", "医院类型", "Hospital types", "hospital_type"),
            _master("hospital_level", "医院等级", "Hospital levels", "hospital_level"),
            _master("person_type", "人员类型", "Person types", "person_type"),
            _master("body_part", "部位管理", "Body parts", "body_part"),
            _master("modality", "模态管理", "Modalities", "modality"),
            _master("exam_item", "检查项目", "Exam items", "exam_item"),
            _master("charge_item", "收费项目", "Charge items", "charge_item"),
        ),
        group(
            "system.schedule", "调度设置", "Scheduling",
            page("system.schedule.job", "调度设置", "Scheduled jobs", "platform:schedule", "/system/schedule",
                 "platform/schedule/index", extra=(("run", "立即执行", "Run now"),)),
            page("system.schedule.run", "任务记录", "Job runs", "platform:job", "/system/job", "platform/job/index",
                 buttons=(("query", "查询", "Query"), ("export", "导出", "Export"), ("cancel", "取消", "Cancel"))),
        ),
        icon="Setting",
    ),
]

#: top-level keys a tenant of each kind is granted when created (manual 4 §8.1.1.6)
TENANT_DEFAULTS: dict[str, dict[str, Any]] = {
    "platform": {"include": ["*"], "exclude": []},
    "regional": {"include": ["*"], "exclude": ["system.menus"]},
    "normal": {"include": ["*"], "exclude": ["system.menus", "system.access.tenant"]},
}

#: built-in roles and their default grants (manual 4 §8.1.3), as include/exclude key prefixes
ROLE_DEFAULTS: dict[str, dict[str, Any]] = {
    "super_admin": {"name": "超级管理员", "include": ["*"], "exclude": [], "sort": 1},
    "director": {"name": "科室主任", "include": ["home", "business", "data", "monitor", "stats", "apps"], "exclude": [],
                 "sort": 2},
    "clinician": {
        "name": "临床医生",
        "include": ["home", "business", "data"],
        "exclude": ["business.diagnosis.list.review", "data.imaging.patient.merge", "data.imaging.patient.unmerge",
                    "data.imaging.study.remove"],
        "sort": 3,
    },
}


def walk(nodes: list[Node] | None = None, parent: Node | None = None):
    for node in TREE if nodes is None else nodes:
        yield node, parent
        yield from walk(node.children, node)


def matches(key: str, prefixes: list[str]) -> bool:
    return any(p == "*" or key == p or key.startswith(p + ".") for p in prefixes)


def granted_by_default(key: str, rule: dict[str, Any]) -> bool:
    return matches(key, rule["include"]) and not matches(key, rule["exclude"])


def all_permissions() -> set[str]:
    return {n.permission for n, _ in walk() if n.permission}

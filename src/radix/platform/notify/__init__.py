"""短信管理 and 邮件管理 (manual 1 §6.7, §6.8): settings, templates, logs, and the sending service."""

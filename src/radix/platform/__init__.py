"""Platform configuration: tenants, apps, menus, roles, accounts, settings, security, logs,
notifications, master data, schedules (manual 1 §三.6, manual 4 §8)."""

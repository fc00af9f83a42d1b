"""platform_core

Revision ID: f20431a025ad
Revises: 
Create Date: 2026-11-28 05:18:51.233356
"""

from alembic import op
import sqlalchemy as sa
import radix.core.db
from sqlalchemy.dialects import postgresql

revision = 'f20431a025ad'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('page', sa.String(length=255), nullable=True),
    sa.Column('title', sa.String(length=100), nullable=True),
    sa.Column('target_type', sa.String(length=64), nullable=True),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=True),
    sa.Column('tenant_name', sa.String(length=64), nullable=True),
    sa.Column('account_id', sa.BigInteger(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=255), nullable=True),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_target_type'), ['target_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('app',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('icon', sa.String(length=64), nullable=True),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('is_base', sa.Boolean(), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app')),
    sa.UniqueConstraint('code', name=op.f('uq_app_code'))
    )
    with op.batch_alter_table('app', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_created_at'), ['created_at'], unique=False)

    op.create_table('login_log',
    sa.Column('tenant_input', sa.String(length=64), nullable=True),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('message', sa.String(length=200), nullable=True),
    sa.Column('browser', sa.String(length=64), nullable=True),
    sa.Column('os', sa.String(length=64), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=True),
    sa.Column('tenant_name', sa.String(length=64), nullable=True),
    sa.Column('account_id', sa.BigInteger(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=255), nullable=True),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_log'))
    )
    with op.batch_alter_table('login_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_log_success'), ['success'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_log_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('menu',
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('key', sa.String(length=96), nullable=True),
    sa.Column('kind', sa.Enum('directory', 'menu', 'button', name='menukind', native_enum=False, length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('name_en', sa.String(length=64), nullable=True),
    sa.Column('permission', sa.String(length=100), nullable=True),
    sa.Column('path', sa.String(length=200), nullable=True),
    sa.Column('component', sa.String(length=200), nullable=True),
    sa.Column('icon', sa.String(length=64), nullable=True),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('app_code', sa.String(length=32), nullable=False),
    sa.Column('tenant_kinds', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['menu.id'], name=op.f('fk_menu_parent_id_menu'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_menu')),
    sa.UniqueConstraint('key', name=op.f('uq_menu_key'))
    )
    with op.batch_alter_table('menu', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_menu_app_code'), ['app_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_menu_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_menu_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_menu_permission'), ['permission'], unique=False)

    op.create_table('operation_log',
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=64), nullable=True),
    sa.Column('target_type', sa.String(length=64), nullable=True),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    sa.Column('error_code', sa.String(length=64), nullable=True),
    sa.Column('error_message', sa.String(length=500), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.BigInteger(), nullable=True),
    sa.Column('tenant_name', sa.String(length=64), nullable=True),
    sa.Column('account_id', sa.BigInteger(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=255), nullable=True),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operation_log'))
    )
    with op.batch_alter_table('operation_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operation_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_operation_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_operation_log_success'), ['success'], unique=False)
        batch_op.create_index(batch_op.f('ix_operation_log_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('tenant',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('short_name', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.Enum('platform', 'regional', 'normal', name='tenantkind', native_enum=False, length=16), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('hospital_type', sa.String(length=32), nullable=True),
    sa.Column('hospital_level', sa.String(length=32), nullable=True),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('contact_name', sa.String(length=32), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('admin_username', sa.String(length=32), nullable=True),
    sa.Column('needs_implementation', sa.Boolean(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['tenant.id'], name=op.f('fk_tenant_parent_id_tenant'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant')),
    sa.UniqueConstraint('code', name=op.f('uq_tenant_code')),
    sa.UniqueConstraint('name', name=op.f('uq_tenant_name'))
    )
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_path'), ['path'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_status'), ['status'], unique=False)

    op.create_table('workstation',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('name_en', sa.String(length=64), nullable=True),
    sa.Column('icon', sa.String(length=64), nullable=True),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workstation')),
    sa.UniqueConstraint('code', name=op.f('uq_workstation_code'))
    )
    with op.batch_alter_table('workstation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workstation_created_at'), ['created_at'], unique=False)

    op.create_table('institution',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('short_name', sa.String(length=32), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('hospital_type', sa.String(length=32), nullable=True),
    sa.Column('hospital_level', sa.String(length=32), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('website', sa.String(length=200), nullable=True),
    sa.Column('introduction', sa.Text(), nullable=True),
    sa.Column('photos', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['institution.id'], name=op.f('fk_institution_parent_id_institution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_institution_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institution')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_institution_tenant_id_code'))
    )
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institution_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_institution_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_institution_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('ip_rule',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('cidr', sa.String(length=64), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('remark', sa.String(length=200), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_ip_rule_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ip_rule'))
    )
    with op.batch_alter_table('ip_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ip_rule_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ip_rule_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('job_run',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('target_type', sa.String(length=64), nullable=True),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('schedule_id', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted', name='jobstatus', native_enum=False, length=16), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('log', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=True),
    sa.Column('worker', sa.String(length=128), nullable=True),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('started_at', radix.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', radix.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', radix.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_job_run_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run'))
    )
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_run_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_run_schedule_id'), ['schedule_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_run_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_run_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_run_type'), ['type'], unique=False)

    op.create_table('platform_setting',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('site_name', sa.String(length=64), nullable=False),
    sa.Column('site_name_en', sa.String(length=64), nullable=True),
    sa.Column('logo', sa.String(length=200), nullable=True),
    sa.Column('login_title', sa.String(length=64), nullable=True),
    sa.Column('login_subtitle', sa.String(length=200), nullable=True),
    sa.Column('login_notice', sa.String(length=500), nullable=True),
    sa.Column('copyright', sa.String(length=200), nullable=True),
    sa.Column('icp', sa.String(length=64), nullable=True),
    sa.Column('privacy_policy', sa.Text(), nullable=False),
    sa.Column('user_agreement', sa.Text(), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_platform_setting_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_setting')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_platform_setting_tenant_id'))
    )
    with op.batch_alter_table('platform_setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_setting_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_platform_setting_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('role',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=True),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_role_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_role_tenant_id_name'))
    )
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('security_policy',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('auto_logout_enabled', sa.Boolean(), nullable=False),
    sa.Column('auto_logout_minutes', sa.Integer(), nullable=False),
    sa.Column('password_expiry_enabled', sa.Boolean(), nullable=False),
    sa.Column('password_expiry_days', sa.Integer(), nullable=False),
    sa.Column('password_min_length', sa.Integer(), nullable=False),
    sa.Column('password_max_length', sa.Integer(), nullable=False),
    sa.Column('password_require_digit', sa.Boolean(), nullable=False),
    sa.Column('password_require_letter', sa.Boolean(), nullable=False),
    sa.Column('password_require_upper', sa.Boolean(), nullable=False),
    sa.Column('password_require_special', sa.Boolean(), nullable=False),
    sa.Column('lockout_enabled', sa.Boolean(), nullable=False),
    sa.Column('lockout_threshold', sa.Integer(), nullable=False),
    sa.Column('lockout_minutes', sa.Integer(), nullable=False),
    sa.Column('ip_limit_enabled', sa.Boolean(), nullable=False),
    sa.Column('single_session_enabled', sa.Boolean(), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_security_policy_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_policy')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_security_policy_tenant_id'))
    )
    with op.batch_alter_table('security_policy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_policy_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_policy_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('tenant_app',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('app_code', sa.String(length=32), nullable=False),
    sa.Column('billing_mode', sa.Enum('yearly', 'monthly', 'usage', 'perpetual', 'free', name='billingmode', native_enum=False, length=16), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('config', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['app_code'], ['app.code'], name=op.f('fk_tenant_app_app_code_app'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_tenant_app_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_app')),
    sa.UniqueConstraint('tenant_id', 'app_code', name=op.f('uq_tenant_app_tenant_id_app_code'))
    )
    with op.batch_alter_table('tenant_app', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_app_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_app_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('tenant_menu',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('menu_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['menu_id'], ['menu.id'], name=op.f('fk_tenant_menu_menu_id_menu'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_tenant_menu_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'menu_id', name=op.f('pk_tenant_menu'))
    )
    with op.batch_alter_table('tenant_menu', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_menu_menu_id'), ['menu_id'], unique=False)

    op.create_table('workstation_menu',
    sa.Column('workstation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('menu_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['menu_id'], ['menu.id'], name=op.f('fk_workstation_menu_menu_id_menu'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workstation_id'], ['workstation.id'], name=op.f('fk_workstation_menu_workstation_id_workstation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workstation_id', 'menu_id', name=op.f('pk_workstation_menu'))
    )
    with op.batch_alter_table('workstation_menu', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workstation_menu_menu_id'), ['menu_id'], unique=False)

    op.create_table('department',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('institution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('leader', sa.String(length=32), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_department_institution_id_institution'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['department.id'], name=op.f('fk_department_parent_id_department'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_department_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_department_tenant_id_code'))
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_department_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('role_menu',
    sa.Column('role_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('menu_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['menu_id'], ['menu.id'], name=op.f('fk_role_menu_menu_id_menu'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['role.id'], name=op.f('fk_role_menu_role_id_role'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('role_id', 'menu_id', name=op.f('pk_role_menu'))
    )
    with op.batch_alter_table('role_menu', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_menu_menu_id'), ['menu_id'], unique=False)

    op.create_table('account',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('username', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=100), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('gender', sa.Enum('male', 'female', 'unknown', name='gender', native_enum=False, length=16), nullable=False),
    sa.Column('title', sa.String(length=32), nullable=True),
    sa.Column('person_type', sa.String(length=32), nullable=True),
    sa.Column('institution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('department_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('password_changed_at', radix.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', radix.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', radix.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_login_ip', sa.String(length=64), nullable=True),
    sa.Column('preferences', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_account_department_id_department'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_account_institution_id_institution'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_account_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('tenant_id', 'phone', name=op.f('uq_account_tenant_id_phone')),
    sa.UniqueConstraint('tenant_id', 'username', name=op.f('uq_account_tenant_id_username'))
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('account_role',
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_account_role_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['role.id'], name=op.f('fk_account_role_role_id_role'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', 'role_id', name=op.f('pk_account_role'))
    )
    with op.batch_alter_table('account_role', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_role_role_id'), ['role_id'], unique=False)

    op.create_table('auth_session',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', radix.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', radix.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.Enum('logout', 'replaced', 'idle', 'expired', 'revoked', name='sessionendreason', native_enum=False, length=16), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_auth_session_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_auth_session_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_auth_session_token_hash'))
    )
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_session_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auth_session_tenant_id'), ['tenant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_session_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_auth_session_account_id'))

    op.drop_table('auth_session')
    with op.batch_alter_table('account_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_role_role_id'))

    op.drop_table('account_role')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_account_status'))
        batch_op.drop_index(batch_op.f('ix_account_created_at'))

    op.drop_table('account')
    with op.batch_alter_table('role_menu', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_menu_menu_id'))

    op.drop_table('role_menu')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_department_created_at'))

    op.drop_table('department')
    with op.batch_alter_table('workstation_menu', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workstation_menu_menu_id'))

    op.drop_table('workstation_menu')
    with op.batch_alter_table('tenant_menu', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_menu_menu_id'))

    op.drop_table('tenant_menu')
    with op.batch_alter_table('tenant_app', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_app_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_tenant_app_created_at'))

    op.drop_table('tenant_app')
    with op.batch_alter_table('security_policy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_security_policy_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_security_policy_created_at'))

    op.drop_table('security_policy')
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_role_status'))
        batch_op.drop_index(batch_op.f('ix_role_created_at'))

    op.drop_table('role')
    with op.batch_alter_table('platform_setting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_setting_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_platform_setting_created_at'))

    op.drop_table('platform_setting')
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_run_type'))
        batch_op.drop_index(batch_op.f('ix_job_run_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_job_run_status'))
        batch_op.drop_index(batch_op.f('ix_job_run_schedule_id'))
        batch_op.drop_index(batch_op.f('ix_job_run_created_at'))

    op.drop_table('job_run')
    with op.batch_alter_table('ip_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ip_rule_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_ip_rule_created_at'))

    op.drop_table('ip_rule')
    with op.batch_alter_table('institution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_institution_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_institution_parent_id'))
        batch_op.drop_index(batch_op.f('ix_institution_created_at'))

    op.drop_table('institution')
    with op.batch_alter_table('workstation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workstation_created_at'))

    op.drop_table('workstation')
    with op.batch_alter_table('tenant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_status'))
        batch_op.drop_index(batch_op.f('ix_tenant_region'))
        batch_op.drop_index(batch_op.f('ix_tenant_path'))
        batch_op.drop_index(batch_op.f('ix_tenant_parent_id'))
        batch_op.drop_index(batch_op.f('ix_tenant_kind'))
        batch_op.drop_index(batch_op.f('ix_tenant_created_at'))

    op.drop_table('tenant')
    with op.batch_alter_table('operation_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operation_log_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_operation_log_success'))
        batch_op.drop_index(batch_op.f('ix_operation_log_created_at'))
        batch_op.drop_index(batch_op.f('ix_operation_log_action'))

    op.drop_table('operation_log')
    with op.batch_alter_table('menu', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_menu_permission'))
        batch_op.drop_index(batch_op.f('ix_menu_parent_id'))
        batch_op.drop_index(batch_op.f('ix_menu_created_at'))
        batch_op.drop_index(batch_op.f('ix_menu_app_code'))

    op.drop_table('menu')
    with op.batch_alter_table('login_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_log_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_login_log_success'))
        batch_op.drop_index(batch_op.f('ix_login_log_created_at'))

    op.drop_table('login_log')
    with op.batch_alter_table('app', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_created_at'))

    op.drop_table('app')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_access_log_target_type'))
        batch_op.drop_index(batch_op.f('ix_access_log_kind'))
        batch_op.drop_index(batch_op.f('ix_access_log_created_at'))

    op.drop_table('access_log')

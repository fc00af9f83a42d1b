"""platform_core

Revision ID: 0001_platform_core
Revises: 
Create Date: 2026-11-28 10:12:19.097069
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001_platform_core'
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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workstation')),
    sa.UniqueConstraint('code', name=op.f('uq_workstation_code'))
    )
    with op.batch_alter_table('workstation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workstation_created_at'), ['created_at'], unique=False)

    op.create_table('email_setting',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('provider', sa.Enum('smtp', 'local', name='emailprovider', native_enum=False, length=16), nullable=False),
    sa.Column('host', sa.String(length=128), nullable=True),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('security', sa.Enum('ssl', 'starttls', 'none', name='smtpsecurity', native_enum=False, length=16), nullable=False),
    sa.Column('username', sa.String(length=128), nullable=True),
    sa.Column('password', sa.String(length=512), nullable=True),
    sa.Column('from_address', sa.String(length=128), nullable=True),
    sa.Column('from_name', sa.String(length=64), nullable=True),
    sa.Column('timeout_seconds', sa.Integer(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_email_setting_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_setting')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_email_setting_tenant_id'))
    )
    with op.batch_alter_table('email_setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_setting_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_email_setting_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('hospital_level',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_hospital_level_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hospital_level')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_hospital_level_tenant_id_code'))
    )
    with op.batch_alter_table('hospital_level', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hospital_level_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_hospital_level_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_hospital_level_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('hospital_type',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_hospital_type_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hospital_type')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_hospital_type_tenant_id_code'))
    )
    with op.batch_alter_table('hospital_type', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hospital_type_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_hospital_type_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_hospital_type_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('image_event',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('sop_uid', sa.String(length=64), nullable=False),
    sa.Column('study_uid', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.Enum('received', 'stored', 'indexed', 'forwarded', 'failed', name='eventkind', native_enum=False, length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('node', sa.String(length=100), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_image_event_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_image_event'))
    )
    with op.batch_alter_table('image_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_image_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_image_event_sop_uid'), ['sop_uid'], unique=False)
        batch_op.create_index(batch_op.f('ix_image_event_study_uid'), ['study_uid'], unique=False)
        batch_op.create_index(batch_op.f('ix_image_event_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('imaging_upload',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('received', 'archiving', 'archived', 'failed', 'cancelled', name='uploadstatus', native_enum=False, length=16), nullable=False),
    sa.Column('blob_key', sa.String(length=200), nullable=True),
    sa.Column('job_id', sa.BigInteger(), nullable=True),
    sa.Column('total_entries', sa.Integer(), nullable=False),
    sa.Column('stored_count', sa.Integer(), nullable=False),
    sa.Column('duplicate_count', sa.Integer(), nullable=False),
    sa.Column('failed_count', sa.Integer(), nullable=False),
    sa.Column('non_dicom_count', sa.Integer(), nullable=False),
    sa.Column('rejected_count', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.Column('report', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('study_uids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_imaging_upload_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imaging_upload'))
    )
    with op.batch_alter_table('imaging_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imaging_upload_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_imaging_upload_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_imaging_upload_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_imaging_upload_tenant_id'), ['tenant_id'], unique=False)

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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
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
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
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

    op.create_table('modality',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_modality_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_modality')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_modality_tenant_id_code'))
    )
    with op.batch_alter_table('modality', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_modality_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_modality_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_modality_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('notify_template',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel', sa.Enum('sms', 'email', name='channel', native_enum=False, length=8), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('scene', sa.String(length=32), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_notify_template_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_template')),
    sa.UniqueConstraint('tenant_id', 'channel', 'code', name=op.f('uq_notify_template_tenant_id_channel_code'))
    )
    with op.batch_alter_table('notify_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notify_template_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_template_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_template_scene'), ['scene'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_template_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_template_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('patient',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('patient_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('name_search', sa.String(length=256), nullable=True),
    sa.Column('birth_date', sa.String(length=8), nullable=True),
    sa.Column('sex', sa.String(length=16), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('visit_number', sa.String(length=64), nullable=True),
    sa.Column('merged_into_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['merged_into_id'], ['patient.id'], name=op.f('fk_patient_merged_into_id_patient'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_patient_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient')),
    sa.UniqueConstraint('tenant_id', 'patient_id', name=op.f('uq_patient_tenant_id_patient_id'))
    )
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_name_search'), ['name_search'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_visit_number'), ['visit_number'], unique=False)

    op.create_table('person_type',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_person_type_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_type')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_person_type_tenant_id_code'))
    )
    with op.batch_alter_table('person_type', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_type_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_type_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_type_tenant_id'), ['tenant_id'], unique=False)

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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_platform_setting_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_setting')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_platform_setting_tenant_id'))
    )
    with op.batch_alter_table('platform_setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_platform_setting_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_platform_setting_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('recharge',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('out_trade_no', sa.String(length=64), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('status', sa.Enum('pending', 'paid', 'closed', 'failed', name='rechargestatus', native_enum=False, length=16), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('provider_payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_recharge_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recharge')),
    sa.UniqueConstraint('out_trade_no', name=op.f('uq_recharge_out_trade_no'))
    )
    with op.batch_alter_table('recharge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recharge_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_recharge_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('role',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=True),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
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

    op.create_table('schedule_job',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('job_type', sa.String(length=64), nullable=False),
    sa.Column('cron', sa.String(length=64), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_run_id', sa.BigInteger(), nullable=True),
    sa.Column('last_status', sa.Enum('pending', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted', name='jobstatus', native_enum=False, length=16), nullable=True),
    sa.Column('next_run_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_schedule_job_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule_job')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_schedule_job_tenant_id_name'))
    )
    with op.batch_alter_table('schedule_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schedule_job_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_schedule_job_due', ['enabled', 'next_run_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_schedule_job_job_type'), ['job_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_schedule_job_tenant_id'), ['tenant_id'], unique=False)

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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_security_policy_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_policy')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_security_policy_tenant_id'))
    )
    with op.batch_alter_table('security_policy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_policy_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_policy_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('sms_setting',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('provider', sa.Enum('aliyun', 'local', name='smsprovider', native_enum=False, length=16), nullable=False),
    sa.Column('access_key_id', sa.String(length=64), nullable=True),
    sa.Column('access_key_secret', sa.String(length=512), nullable=True),
    sa.Column('sign_name', sa.String(length=32), nullable=True),
    sa.Column('region_id', sa.String(length=32), nullable=False),
    sa.Column('endpoint', sa.String(length=128), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_sms_setting_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_setting')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_sms_setting_tenant_id'))
    )
    with op.batch_alter_table('sms_setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_setting_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_setting_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('tenant_app',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('app_code', sa.String(length=32), nullable=False),
    sa.Column('billing_mode', sa.Enum('yearly', 'monthly', 'usage', 'perpetual', 'free', name='billingmode', native_enum=False, length=16), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('config', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
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

    op.create_table('tenant_balance',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('balance', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('warn_line', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('remind_methods', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_tenant_balance_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_balance')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_tenant_balance_tenant_id'))
    )
    with op.batch_alter_table('tenant_balance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_balance_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_balance_tenant_id'), ['tenant_id'], unique=False)

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

    op.create_table('body_part',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('modality_code', sa.String(length=16), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'modality_code'], ['modality.tenant_id', 'modality.code'], name=op.f('fk_body_part_tenant_id_modality')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_body_part_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_body_part')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_body_part_tenant_id_code'))
    )
    with op.batch_alter_table('body_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_body_part_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_body_part_modality_code'), ['modality_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_body_part_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_body_part_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('charge_item',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('type', sa.Enum('exam', 'material', 'treatment', 'drug', 'other', name='chargetype', native_enum=False, length=16), nullable=False),
    sa.Column('modality_code', sa.String(length=16), nullable=True),
    sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'modality_code'], ['modality.tenant_id', 'modality.code'], name=op.f('fk_charge_item_tenant_id_modality')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_charge_item_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charge_item')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_charge_item_tenant_id_code'))
    )
    with op.batch_alter_table('charge_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charge_item_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_charge_item_enabled'), ['enabled'], unique=False)
        batch_op.create_index(batch_op.f('ix_charge_item_modality_code'), ['modality_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_charge_item_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charge_item_type'), ['type'], unique=False)

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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
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

    op.create_table('dicom_node',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('ae_title', sa.String(length=16), nullable=False),
    sa.Column('host', sa.String(length=128), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('allow_store', sa.Boolean(), nullable=False),
    sa.Column('allow_find', sa.Boolean(), nullable=False),
    sa.Column('allow_move', sa.Boolean(), nullable=False),
    sa.Column('allow_get', sa.Boolean(), nullable=False),
    sa.Column('allow_print', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('enabled', 'disabled', name='status', native_enum=False, length=16), nullable=False),
    sa.Column('last_echo_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_echo_ok', sa.Boolean(), nullable=True),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_dicom_node_institution_id_institution'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_dicom_node_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dicom_node')),
    sa.UniqueConstraint('ae_title', name=op.f('uq_dicom_node_ae_title'))
    )
    with op.batch_alter_table('dicom_node', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dicom_node_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dicom_node_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('notify_log',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel', sa.Enum('sms', 'email', name='channel', native_enum=False, length=8), nullable=False),
    sa.Column('template_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('template_name', sa.String(length=64), nullable=True),
    sa.Column('template_code', sa.String(length=64), nullable=True),
    sa.Column('scene', sa.String(length=32), nullable=True),
    sa.Column('recipient', sa.String(length=128), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('params', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('status', sa.Enum('pending', 'success', 'failed', name='sendstatus', native_enum=False, length=16), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=True),
    sa.Column('provider_message_id', sa.String(length=128), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('source', sa.Enum('business', 'test', name='sendsource', native_enum=False, length=16), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['template_id'], ['notify_template.id'], name=op.f('fk_notify_log_template_id_notify_template'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_notify_log_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_log'))
    )
    with op.batch_alter_table('notify_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notify_log_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_log_recipient'), ['recipient'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_log_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_log_template_id'), ['template_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_log_template_name'), ['template_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_log_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('patient_alias',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('patient_ref', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('patient_id', 'visit_number', name='aliaskind', native_enum=False, length=16), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_ref'], ['patient.id'], name=op.f('fk_patient_alias_patient_ref_patient'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_patient_alias_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_alias')),
    sa.UniqueConstraint('tenant_id', 'kind', 'value', name=op.f('uq_patient_alias_tenant_id_kind_value'))
    )
    with op.batch_alter_table('patient_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_alias_patient_ref'), ['patient_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_alias_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('patient_merge',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_ref', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('into_ref', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reason', sa.Enum('auto', 'manual', name='mergereason', native_enum=False, length=16), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('study_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by', sa.String(length=64), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['from_ref'], ['patient.id'], name=op.f('fk_patient_merge_from_ref_patient'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['into_ref'], ['patient.id'], name=op.f('fk_patient_merge_into_ref_patient'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_patient_merge_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_merge'))
    )
    with op.batch_alter_table('patient_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patient_merge_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_merge_from_ref'), ['from_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_merge_into_ref'), ['into_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_patient_merge_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('role_menu',
    sa.Column('role_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('menu_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['menu_id'], ['menu.id'], name=op.f('fk_role_menu_menu_id_menu'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['role.id'], name=op.f('fk_role_menu_role_id_role'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('role_id', 'menu_id', name=op.f('pk_role_menu'))
    )
    with op.batch_alter_table('role_menu', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_menu_menu_id'), ['menu_id'], unique=False)

    op.create_table('study',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('study_uid', sa.String(length=64), nullable=False),
    sa.Column('patient_ref', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('institution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('patient_id', sa.String(length=64), nullable=True),
    sa.Column('patient_name', sa.String(length=200), nullable=True),
    sa.Column('patient_name_search', sa.String(length=256), nullable=True),
    sa.Column('patient_birth_date', sa.String(length=8), nullable=True),
    sa.Column('patient_sex', sa.String(length=16), nullable=True),
    sa.Column('study_date', sa.String(length=8), nullable=True),
    sa.Column('study_time', sa.String(length=16), nullable=True),
    sa.Column('accession_number', sa.String(length=64), nullable=True),
    sa.Column('study_id', sa.String(length=16), nullable=True),
    sa.Column('description', sa.String(length=128), nullable=True),
    sa.Column('referring_physician', sa.String(length=200), nullable=True),
    sa.Column('institution_name', sa.String(length=128), nullable=True),
    sa.Column('modalities', sa.String(length=128), nullable=False),
    sa.Column('body_part', sa.String(length=64), nullable=True),
    sa.Column('num_series', sa.Integer(), nullable=False),
    sa.Column('num_instances', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attributes', sa.Text(), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['institution_id'], ['institution.id'], name=op.f('fk_study_institution_id_institution'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['patient_ref'], ['patient.id'], name=op.f('fk_study_patient_ref_patient'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_study_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study')),
    sa.UniqueConstraint('tenant_id', 'study_uid', name=op.f('uq_study_tenant_id_study_uid'))
    )
    with op.batch_alter_table('study', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_accession_number'), ['accession_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_patient_name_search'), ['patient_name_search'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_patient_ref'), ['patient_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_study_date'), ['study_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_tenant_id'), ['tenant_id'], unique=False)

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
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_ip', sa.String(length=64), nullable=True),
    sa.Column('preferences', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
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

    op.create_table('exam_item',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('modality_code', sa.String(length=16), nullable=False),
    sa.Column('body_part_code', sa.String(length=32), nullable=True),
    sa.Column('price', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('remark', sa.String(length=500), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'body_part_code'], ['body_part.tenant_id', 'body_part.code'], name=op.f('fk_exam_item_tenant_id_body_part')),
    sa.ForeignKeyConstraint(['tenant_id', 'modality_code'], ['modality.tenant_id', 'modality.code'], name=op.f('fk_exam_item_tenant_id_modality')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_exam_item_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_item')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_exam_item_tenant_id_code'))
    )
    with op.batch_alter_table('exam_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_item_body_part_code'), ['body_part_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_exam_item_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_exam_item_enabled'), ['enabled'], unique=False)
        batch_op.create_index(batch_op.f('ix_exam_item_modality_code'), ['modality_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_exam_item_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('film_task',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('study_uid', sa.String(length=64), nullable=True),
    sa.Column('patient_name', sa.String(length=200), nullable=True),
    sa.Column('patient_id', sa.String(length=64), nullable=True),
    sa.Column('accession_number', sa.String(length=64), nullable=True),
    sa.Column('modality', sa.String(length=16), nullable=True),
    sa.Column('film_size', sa.Enum('8INX10IN', '8_5INX11IN', '10INX12IN', '10INX14IN', '11INX14IN', '11INX17IN', '14INX14IN', '14INX17IN', '24CMX24CM', '24CMX30CM', 'A4', 'A3', name='filmsize', native_enum=False, length=16), nullable=False),
    sa.Column('orientation', sa.Enum('PORTRAIT', 'LANDSCAPE', name='filmorientation', native_enum=False, length=16), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('columns', sa.Integer(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('medium', sa.Enum('BLUE FILM', 'CLEAR FILM', 'PAPER', name='filmmedium', native_enum=False, length=16), nullable=False),
    sa.Column('print_mode', sa.Enum('grid', 'sheet', name='printmode', native_enum=False, length=16), nullable=False),
    sa.Column('dpi', sa.Integer(), nullable=False),
    sa.Column('header', sa.String(length=500), nullable=True),
    sa.Column('annotate', sa.Boolean(), nullable=False),
    sa.Column('images', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('num_images', sa.Integer(), nullable=False),
    sa.Column('num_films', sa.Integer(), nullable=False),
    sa.Column('target', sa.Enum('printer', 'pdf', 'png', name='filmtarget', native_enum=False, length=16), nullable=False),
    sa.Column('node_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('node_name', sa.String(length=100), nullable=True),
    sa.Column('status', sa.Enum('pending', 'printing', 'done', 'failed', name='filmstatus', native_enum=False, length=16), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.Column('job_run_id', sa.BigInteger(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('output_key', sa.String(length=200), nullable=True),
    sa.Column('output_name', sa.String(length=200), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['dicom_node.id'], name=op.f('fk_film_task_node_id_dicom_node'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_film_task_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_film_task'))
    )
    with op.batch_alter_table('film_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_film_task_accession_number'), ['accession_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_film_task_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_film_task_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_film_task_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_film_task_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_film_task_study_uid'), ['study_uid'], unique=False)
        batch_op.create_index(batch_op.f('ix_film_task_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('imaging_share',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('study_ref', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('study_uid', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('validity', sa.Enum('30m', '60m', 'permanent', name='sharevalidity', native_enum=False, length=16), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('max_visitors', sa.Integer(), nullable=True),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('last_visit_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.String(length=64), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['study_ref'], ['study.id'], name=op.f('fk_imaging_share_study_ref_study'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_imaging_share_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imaging_share')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_imaging_share_token_hash'))
    )
    with op.batch_alter_table('imaging_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imaging_share_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_imaging_share_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_imaging_share_study_ref'), ['study_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_imaging_share_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('series',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('series_uid', sa.String(length=64), nullable=False),
    sa.Column('study_ref', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('modality', sa.String(length=16), nullable=True),
    sa.Column('series_number', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(length=128), nullable=True),
    sa.Column('body_part', sa.String(length=64), nullable=True),
    sa.Column('series_date', sa.String(length=8), nullable=True),
    sa.Column('num_instances', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('attributes', sa.Text(), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['study_ref'], ['study.id'], name=op.f('fk_series_study_ref_study'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_series_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('tenant_id', 'series_uid', name=op.f('uq_series_tenant_id_series_uid'))
    )
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_series_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_series_modality'), ['modality'], unique=False)
        batch_op.create_index(batch_op.f('ix_series_study_ref'), ['study_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_series_tenant_id'), ['tenant_id'], unique=False)

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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
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

    op.create_table('film_task_event',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('task_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'printing', 'done', 'failed', name='filmstatus', native_enum=False, length=16), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['film_task.id'], name=op.f('fk_film_task_event_task_id_film_task'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_film_task_event_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_film_task_event'))
    )
    with op.batch_alter_table('film_task_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_film_task_event_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_film_task_event_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('instance',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sop_uid', sa.String(length=64), nullable=False),
    sa.Column('series_ref', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('study_ref', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sop_class_uid', sa.String(length=64), nullable=False),
    sa.Column('instance_number', sa.Integer(), nullable=True),
    sa.Column('transfer_syntax', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('blob_key', sa.String(length=200), nullable=False),
    sa.Column('num_frames', sa.Integer(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=True),
    sa.Column('columns', sa.Integer(), nullable=True),
    sa.Column('pixel_offset', sa.BigInteger(), nullable=True),
    sa.Column('pixel_length', sa.BigInteger(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('calling_ae', sa.String(length=16), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('metadata_json', sa.Text(), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['series_ref'], ['series.id'], name=op.f('fk_instance_series_ref_series'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['study_ref'], ['study.id'], name=op.f('fk_instance_study_ref_study'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_instance_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instance')),
    sa.UniqueConstraint('tenant_id', 'sop_uid', name=op.f('uq_instance_tenant_id_sop_uid'))
    )
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instance_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_instance_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_instance_series_ref'), ['series_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_instance_study_ref'), ['study_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_instance_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('viewer_annotation',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('study_uid', sa.String(length=64), nullable=False),
    sa.Column('series_uid', sa.String(length=64), nullable=True),
    sa.Column('sop_uid', sa.String(length=64), nullable=True),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('tool', sa.String(length=32), nullable=False),
    sa.Column('label', sa.String(length=128), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_viewer_annotation_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_viewer_annotation_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_viewer_annotation')),
    sa.UniqueConstraint('account_id', 'uid', name=op.f('uq_viewer_annotation_account_id_uid'))
    )
    with op.batch_alter_table('viewer_annotation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_viewer_annotation_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_viewer_annotation_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_viewer_annotation_study_uid'), ['study_uid'], unique=False)
        batch_op.create_index(batch_op.f('ix_viewer_annotation_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('viewer_registration',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('study_uid', sa.String(length=64), nullable=False),
    sa.Column('fixed_series_uid', sa.String(length=64), nullable=False),
    sa.Column('moving_series_uid', sa.String(length=64), nullable=False),
    sa.Column('matrix', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('metric', sa.String(length=16), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_viewer_registration_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_viewer_registration_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_viewer_registration')),
    sa.UniqueConstraint('account_id', 'fixed_series_uid', 'moving_series_uid', name=op.f('uq_viewer_registration_account_id_fixed_series_uid_moving_series_uid'))
    )
    with op.batch_alter_table('viewer_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_viewer_registration_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_viewer_registration_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_viewer_registration_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('viewer_setting',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('values', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_viewer_setting_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_viewer_setting_tenant_id_tenant'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_viewer_setting')),
    sa.UniqueConstraint('account_id', name=op.f('uq_viewer_setting_account_id'))
    )
    with op.batch_alter_table('viewer_setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_viewer_setting_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_viewer_setting_tenant_id'), ['tenant_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('viewer_setting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_viewer_setting_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_viewer_setting_created_at'))

    op.drop_table('viewer_setting')
    with op.batch_alter_table('viewer_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_viewer_registration_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_viewer_registration_created_at'))
        batch_op.drop_index(batch_op.f('ix_viewer_registration_account_id'))

    op.drop_table('viewer_registration')
    with op.batch_alter_table('viewer_annotation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_viewer_annotation_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_viewer_annotation_study_uid'))
        batch_op.drop_index(batch_op.f('ix_viewer_annotation_created_at'))
        batch_op.drop_index(batch_op.f('ix_viewer_annotation_account_id'))

    op.drop_table('viewer_annotation')
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instance_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_instance_study_ref'))
        batch_op.drop_index(batch_op.f('ix_instance_series_ref'))
        batch_op.drop_index(batch_op.f('ix_instance_received_at'))
        batch_op.drop_index(batch_op.f('ix_instance_created_at'))

    op.drop_table('instance')
    with op.batch_alter_table('film_task_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_film_task_event_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_film_task_event_task_id'))

    op.drop_table('film_task_event')
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_session_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_auth_session_account_id'))

    op.drop_table('auth_session')
    with op.batch_alter_table('account_role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_role_role_id'))

    op.drop_table('account_role')
    with op.batch_alter_table('series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_series_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_series_study_ref'))
        batch_op.drop_index(batch_op.f('ix_series_modality'))
        batch_op.drop_index(batch_op.f('ix_series_created_at'))

    op.drop_table('series')
    with op.batch_alter_table('imaging_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imaging_share_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_imaging_share_study_ref'))
        batch_op.drop_index(batch_op.f('ix_imaging_share_expires_at'))
        batch_op.drop_index(batch_op.f('ix_imaging_share_created_at'))

    op.drop_table('imaging_share')
    with op.batch_alter_table('film_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_film_task_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_film_task_study_uid'))
        batch_op.drop_index(batch_op.f('ix_film_task_status'))
        batch_op.drop_index(batch_op.f('ix_film_task_patient_id'))
        batch_op.drop_index(batch_op.f('ix_film_task_node_id'))
        batch_op.drop_index(batch_op.f('ix_film_task_created_at'))
        batch_op.drop_index(batch_op.f('ix_film_task_accession_number'))

    op.drop_table('film_task')
    with op.batch_alter_table('exam_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_item_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_exam_item_modality_code'))
        batch_op.drop_index(batch_op.f('ix_exam_item_enabled'))
        batch_op.drop_index(batch_op.f('ix_exam_item_created_at'))
        batch_op.drop_index(batch_op.f('ix_exam_item_body_part_code'))

    op.drop_table('exam_item')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_account_status'))
        batch_op.drop_index(batch_op.f('ix_account_created_at'))

    op.drop_table('account')
    with op.batch_alter_table('study', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_study_study_date'))
        batch_op.drop_index(batch_op.f('ix_study_received_at'))
        batch_op.drop_index(batch_op.f('ix_study_patient_ref'))
        batch_op.drop_index(batch_op.f('ix_study_patient_name_search'))
        batch_op.drop_index(batch_op.f('ix_study_patient_id'))
        batch_op.drop_index(batch_op.f('ix_study_institution_id'))
        batch_op.drop_index(batch_op.f('ix_study_created_at'))
        batch_op.drop_index(batch_op.f('ix_study_accession_number'))

    op.drop_table('study')
    with op.batch_alter_table('role_menu', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_menu_menu_id'))

    op.drop_table('role_menu')
    with op.batch_alter_table('patient_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_merge_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_patient_merge_into_ref'))
        batch_op.drop_index(batch_op.f('ix_patient_merge_from_ref'))
        batch_op.drop_index(batch_op.f('ix_patient_merge_created_at'))

    op.drop_table('patient_merge')
    with op.batch_alter_table('patient_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_alias_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_patient_alias_patient_ref'))

    op.drop_table('patient_alias')
    with op.batch_alter_table('notify_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notify_log_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_notify_log_template_name'))
        batch_op.drop_index(batch_op.f('ix_notify_log_template_id'))
        batch_op.drop_index(batch_op.f('ix_notify_log_status'))
        batch_op.drop_index(batch_op.f('ix_notify_log_recipient'))
        batch_op.drop_index(batch_op.f('ix_notify_log_created_at'))
        batch_op.drop_index(batch_op.f('ix_notify_log_channel'))

    op.drop_table('notify_log')
    with op.batch_alter_table('dicom_node', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dicom_node_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_dicom_node_created_at'))

    op.drop_table('dicom_node')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_department_created_at'))

    op.drop_table('department')
    with op.batch_alter_table('charge_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charge_item_type'))
        batch_op.drop_index(batch_op.f('ix_charge_item_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_charge_item_modality_code'))
        batch_op.drop_index(batch_op.f('ix_charge_item_enabled'))
        batch_op.drop_index(batch_op.f('ix_charge_item_created_at'))

    op.drop_table('charge_item')
    with op.batch_alter_table('body_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_body_part_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_body_part_status'))
        batch_op.drop_index(batch_op.f('ix_body_part_modality_code'))
        batch_op.drop_index(batch_op.f('ix_body_part_created_at'))

    op.drop_table('body_part')
    with op.batch_alter_table('workstation_menu', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workstation_menu_menu_id'))

    op.drop_table('workstation_menu')
    with op.batch_alter_table('tenant_menu', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_menu_menu_id'))

    op.drop_table('tenant_menu')
    with op.batch_alter_table('tenant_balance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_balance_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_tenant_balance_created_at'))

    op.drop_table('tenant_balance')
    with op.batch_alter_table('tenant_app', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tenant_app_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_tenant_app_created_at'))

    op.drop_table('tenant_app')
    with op.batch_alter_table('sms_setting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_setting_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_sms_setting_created_at'))

    op.drop_table('sms_setting')
    with op.batch_alter_table('security_policy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_security_policy_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_security_policy_created_at'))

    op.drop_table('security_policy')
    with op.batch_alter_table('schedule_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schedule_job_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_schedule_job_job_type'))
        batch_op.drop_index('ix_schedule_job_due')
        batch_op.drop_index(batch_op.f('ix_schedule_job_created_at'))

    op.drop_table('schedule_job')
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_role_status'))
        batch_op.drop_index(batch_op.f('ix_role_created_at'))

    op.drop_table('role')
    with op.batch_alter_table('recharge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recharge_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_recharge_created_at'))

    op.drop_table('recharge')
    with op.batch_alter_table('platform_setting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_platform_setting_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_platform_setting_created_at'))

    op.drop_table('platform_setting')
    with op.batch_alter_table('person_type', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_type_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_person_type_status'))
        batch_op.drop_index(batch_op.f('ix_person_type_created_at'))

    op.drop_table('person_type')
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_visit_number'))
        batch_op.drop_index(batch_op.f('ix_patient_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_patient_name_search'))
        batch_op.drop_index(batch_op.f('ix_patient_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_patient_id_number'))
        batch_op.drop_index(batch_op.f('ix_patient_created_at'))

    op.drop_table('patient')
    with op.batch_alter_table('notify_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notify_template_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_notify_template_status'))
        batch_op.drop_index(batch_op.f('ix_notify_template_scene'))
        batch_op.drop_index(batch_op.f('ix_notify_template_created_at'))
        batch_op.drop_index(batch_op.f('ix_notify_template_channel'))

    op.drop_table('notify_template')
    with op.batch_alter_table('modality', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_modality_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_modality_status'))
        batch_op.drop_index(batch_op.f('ix_modality_created_at'))

    op.drop_table('modality')
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
    with op.batch_alter_table('imaging_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imaging_upload_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_imaging_upload_status'))
        batch_op.drop_index(batch_op.f('ix_imaging_upload_job_id'))
        batch_op.drop_index(batch_op.f('ix_imaging_upload_created_at'))

    op.drop_table('imaging_upload')
    with op.batch_alter_table('image_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_image_event_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_image_event_study_uid'))
        batch_op.drop_index(batch_op.f('ix_image_event_sop_uid'))
        batch_op.drop_index(batch_op.f('ix_image_event_at'))

    op.drop_table('image_event')
    with op.batch_alter_table('hospital_type', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hospital_type_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_hospital_type_status'))
        batch_op.drop_index(batch_op.f('ix_hospital_type_created_at'))

    op.drop_table('hospital_type')
    with op.batch_alter_table('hospital_level', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hospital_level_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_hospital_level_status'))
        batch_op.drop_index(batch_op.f('ix_hospital_level_created_at'))

    op.drop_table('hospital_level')
    with op.batch_alter_table('email_setting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_setting_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_email_setting_created_at'))

    op.drop_table('email_setting')
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

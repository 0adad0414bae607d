"""crm: leads, deals, contacts, companies, activities, fields, plans

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-27 03:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('crm_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_fields_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_fields')),
    sa.UniqueConstraint('team_id', 'entity', 'name', name='uq_crm_fields_name')
    )
    op.create_index(op.f('ix_crm_fields_team_id'), 'crm_fields', ['team_id'], unique=False)
    op.create_table('crm_pipelines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_pipelines_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_pipelines'))
    )
    op.create_index(op.f('ix_crm_pipelines_team_id'), 'crm_pipelines', ['team_id'], unique=False)
    op.create_table('crm_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_products_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_products'))
    )
    op.create_index(op.f('ix_crm_products_team_id'), 'crm_products', ['team_id'], unique=False)
    op.create_table('crm_settings',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_settings_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_crm_settings'))
    )
    op.create_table('crm_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=8), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_crm_activities_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_activities_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_activities'))
    )
    op.create_index('ix_crm_activities_entity', 'crm_activities', ['entity', 'entity_id'], unique=False)
    op.create_index(op.f('ix_crm_activities_owner_id'), 'crm_activities', ['owner_id'], unique=False)
    op.create_index(op.f('ix_crm_activities_team_id'), 'crm_activities', ['team_id'], unique=False)
    op.create_table('crm_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_drafts_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_crm_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_drafts'))
    )
    op.create_index(op.f('ix_crm_drafts_team_id'), 'crm_drafts', ['team_id'], unique=False)
    op.create_index(op.f('ix_crm_drafts_user_id'), 'crm_drafts', ['user_id'], unique=False)
    op.create_table('crm_grants',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_grants_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_crm_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_crm_grants'))
    )
    op.create_index(op.f('ix_crm_grants_team_id'), 'crm_grants', ['team_id'], unique=False)
    op.create_table('crm_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=8), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_crm_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_notes_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_notes'))
    )
    op.create_index('ix_crm_notes_entity', 'crm_notes', ['entity', 'entity_id'], unique=False)
    op.create_index(op.f('ix_crm_notes_team_id'), 'crm_notes', ['team_id'], unique=False)
    op.create_table('crm_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('target', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_plans_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_crm_plans_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_plans')),
    sa.UniqueConstraint('team_id', 'user_id', 'month', name='uq_crm_plans_user_month')
    )
    op.create_index(op.f('ix_crm_plans_team_id'), 'crm_plans', ['team_id'], unique=False)
    op.create_table('crm_stages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('pipeline_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['pipeline_id'], ['crm_pipelines.id'], name=op.f('fk_crm_stages_pipeline_id_crm_pipelines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_stages_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_stages'))
    )
    op.create_index(op.f('ix_crm_stages_pipeline_id'), 'crm_stages', ['pipeline_id'], unique=False)
    op.create_index(op.f('ix_crm_stages_team_id'), 'crm_stages', ['team_id'], unique=False)
    op.create_table('crm_leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('company_key', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('phone_key', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('converted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deal_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('custom', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_crm_leads_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_crm_leads_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['status_id'], ['crm_stages.id'], name=op.f('fk_crm_leads_status_id_crm_stages'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_leads_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_leads'))
    )
    op.create_index(op.f('ix_crm_leads_created_at'), 'crm_leads', ['created_at'], unique=False)
    op.create_index(op.f('ix_crm_leads_owner_id'), 'crm_leads', ['owner_id'], unique=False)
    op.create_index('ix_crm_leads_team_email', 'crm_leads', ['team_id', 'email'], unique=False)
    op.create_index(op.f('ix_crm_leads_team_id'), 'crm_leads', ['team_id'], unique=False)
    op.create_index('ix_crm_leads_team_name', 'crm_leads', ['team_id', 'name_key', 'company_key'], unique=False)
    op.create_index('ix_crm_leads_team_phone', 'crm_leads', ['team_id', 'phone_key'], unique=False)
    op.create_table('crm_companies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('phone_key', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('custom', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['crm_leads.id'], name=op.f('fk_crm_companies_lead_id_crm_leads'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_crm_companies_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_companies_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_companies'))
    )
    op.create_index(op.f('ix_crm_companies_owner_id'), 'crm_companies', ['owner_id'], unique=False)
    op.create_index(op.f('ix_crm_companies_team_id'), 'crm_companies', ['team_id'], unique=False)
    op.create_index('ix_crm_companies_team_name', 'crm_companies', ['team_id', 'name_key'], unique=False)
    op.create_table('crm_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('phone_key', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('custom', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['crm_companies.id'], name=op.f('fk_crm_contacts_company_id_crm_companies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_id'], ['crm_leads.id'], name=op.f('fk_crm_contacts_lead_id_crm_leads'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_crm_contacts_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_contacts_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_contacts'))
    )
    op.create_index(op.f('ix_crm_contacts_company_id'), 'crm_contacts', ['company_id'], unique=False)
    op.create_index(op.f('ix_crm_contacts_owner_id'), 'crm_contacts', ['owner_id'], unique=False)
    op.create_index('ix_crm_contacts_team_email', 'crm_contacts', ['team_id', 'email'], unique=False)
    op.create_index(op.f('ix_crm_contacts_team_id'), 'crm_contacts', ['team_id'], unique=False)
    op.create_index('ix_crm_contacts_team_phone', 'crm_contacts', ['team_id', 'phone_key'], unique=False)
    op.create_table('crm_deals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('pipeline_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('lost_reason', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('custom', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['crm_companies.id'], name=op.f('fk_crm_deals_company_id_crm_companies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['crm_contacts.id'], name=op.f('fk_crm_deals_contact_id_crm_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_id'], ['crm_leads.id'], name=op.f('fk_crm_deals_lead_id_crm_leads'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_crm_deals_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pipeline_id'], ['crm_pipelines.id'], name=op.f('fk_crm_deals_pipeline_id_crm_pipelines'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['stage_id'], ['crm_stages.id'], name=op.f('fk_crm_deals_stage_id_crm_stages'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_crm_deals_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_deals'))
    )
    op.create_index(op.f('ix_crm_deals_company_id'), 'crm_deals', ['company_id'], unique=False)
    op.create_index(op.f('ix_crm_deals_contact_id'), 'crm_deals', ['contact_id'], unique=False)
    op.create_index(op.f('ix_crm_deals_owner_id'), 'crm_deals', ['owner_id'], unique=False)
    op.create_index(op.f('ix_crm_deals_team_id'), 'crm_deals', ['team_id'], unique=False)
    op.create_table('crm_deal_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('discount', sa.Integer(), nullable=False),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['crm_deals.id'], name=op.f('fk_crm_deal_items_deal_id_crm_deals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['crm_products.id'], name=op.f('fk_crm_deal_items_product_id_crm_products'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_deal_items'))
    )
    op.create_index(op.f('ix_crm_deal_items_deal_id'), 'crm_deal_items', ['deal_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_crm_deal_items_deal_id'), table_name='crm_deal_items')
    op.drop_table('crm_deal_items')
    op.drop_index(op.f('ix_crm_deals_team_id'), table_name='crm_deals')
    op.drop_index(op.f('ix_crm_deals_owner_id'), table_name='crm_deals')
    op.drop_index(op.f('ix_crm_deals_contact_id'), table_name='crm_deals')
    op.drop_index(op.f('ix_crm_deals_company_id'), table_name='crm_deals')
    op.drop_table('crm_deals')
    op.drop_index('ix_crm_contacts_team_phone', table_name='crm_contacts')
    op.drop_index(op.f('ix_crm_contacts_team_id'), table_name='crm_contacts')
    op.drop_index('ix_crm_contacts_team_email', table_name='crm_contacts')
    op.drop_index(op.f('ix_crm_contacts_owner_id'), table_name='crm_contacts')
    op.drop_index(op.f('ix_crm_contacts_company_id'), table_name='crm_contacts')
    op.drop_table('crm_contacts')
    op.drop_index('ix_crm_companies_team_name', table_name='crm_companies')
    op.drop_index(op.f('ix_crm_companies_team_id'), table_name='crm_companies')
    op.drop_index(op.f('ix_crm_companies_owner_id'), table_name='crm_companies')
    op.drop_table('crm_companies')
    op.drop_index('ix_crm_leads_team_phone', table_name='crm_leads')
    op.drop_index('ix_crm_leads_team_name', table_name='crm_leads')
    op.drop_index(op.f('ix_crm_leads_team_id'), table_name='crm_leads')
    op.drop_index('ix_crm_leads_team_email', table_name='crm_leads')
    op.drop_index(op.f('ix_crm_leads_owner_id'), table_name='crm_leads')
    op.drop_index(op.f('ix_crm_leads_created_at'), table_name='crm_leads')
    op.drop_table('crm_leads')
    op.drop_index(op.f('ix_crm_stages_team_id'), table_name='crm_stages')
    op.drop_index(op.f('ix_crm_stages_pipeline_id'), table_name='crm_stages')
    op.drop_table('crm_stages')
    op.drop_index(op.f('ix_crm_plans_team_id'), table_name='crm_plans')
    op.drop_table('crm_plans')
    op.drop_index(op.f('ix_crm_notes_team_id'), table_name='crm_notes')
    op.drop_index('ix_crm_notes_entity', table_name='crm_notes')
    op.drop_table('crm_notes')
    op.drop_index(op.f('ix_crm_grants_team_id'), table_name='crm_grants')
    op.drop_table('crm_grants')
    op.drop_index(op.f('ix_crm_drafts_user_id'), table_name='crm_drafts')
    op.drop_index(op.f('ix_crm_drafts_team_id'), table_name='crm_drafts')
    op.drop_table('crm_drafts')
    op.drop_index(op.f('ix_crm_activities_team_id'), table_name='crm_activities')
    op.drop_index(op.f('ix_crm_activities_owner_id'), table_name='crm_activities')
    op.drop_index('ix_crm_activities_entity', table_name='crm_activities')
    op.drop_table('crm_activities')
    op.drop_table('crm_settings')
    op.drop_index(op.f('ix_crm_products_team_id'), table_name='crm_products')
    op.drop_table('crm_products')
    op.drop_index(op.f('ix_crm_pipelines_team_id'), table_name='crm_pipelines')
    op.drop_table('crm_pipelines')
    op.drop_index(op.f('ix_crm_fields_team_id'), table_name='crm_fields')
    op.drop_table('crm_fields')

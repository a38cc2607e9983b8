"""scanned ballots (SPEC §12): pages read, their kept images, review items, two-channel resolutions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scan_pages',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('file', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('group', sa.String(length=16), nullable=True),
    sa.Column('ballot_no', sa.String(length=6), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('digest', sa.String(length=16), nullable=True),
    sa.Column('rotation', sa.String(length=12), nullable=True),
    sa.Column('boxes', sa.Text(), nullable=False),
    sa.Column('marks', sa.Text(), nullable=False),
    sa.Column('image_sha256', sa.String(length=64), nullable=True),
    sa.Column('ballot_serial', sa.Integer(), nullable=True),
    sa.Column('scanned_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('scan_images',
    sa.Column('page_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('png', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('page_id')
    )
    op.create_table('scan_items',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('group', sa.String(length=16), nullable=False),
    sa.Column('ballot_no', sa.String(length=6), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('why', sa.String(length=12), nullable=False),
    sa.Column('auto', sa.String(length=80), nullable=False),
    sa.Column('decided', sa.String(length=80), nullable=True),
    sa.Column('decided_by', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.String(length=32), nullable=True),
    sa.Column('confirmed_by', sa.String(length=64), nullable=True),
    sa.Column('confirmed_at', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('scan_resolutions',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('group', sa.String(length=16), nullable=False),
    sa.Column('ballot_no', sa.String(length=6), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('keyed', sa.String(length=80), nullable=False),
    sa.Column('scanned', sa.String(length=80), nullable=False),
    sa.Column('mark', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('resolved_by', sa.String(length=64), nullable=False),
    sa.Column('resolved_at', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('scan_resolutions')
    op.drop_table('scan_items')
    op.drop_table('scan_images')
    op.drop_table('scan_pages')

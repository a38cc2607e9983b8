"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('operator', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('entity', sa.String(length=200), nullable=False),
    sa.Column('old', sa.Text(), nullable=True),
    sa.Column('new', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    op.create_table('ballots',
    sa.Column('serial', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('group', sa.String(length=16), nullable=False),
    sa.Column('marks', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('serial')
    )
    op.create_table('blind_entries',
    sa.Column('entity', sa.String(length=200), nullable=False),
    sa.Column('value', sa.String(length=16), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('entity')
    )
    op.create_table('chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('draws',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('meeting', sa.String(length=32), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('seed', sa.String(length=200), nullable=True),
    sa.Column('list_digest', sa.String(length=64), nullable=False),
    sa.Column('order', sa.Text(), nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('judges',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('group', sa.String(length=16), nullable=False),
    sa.Column('seat', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('people',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('rank', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('gender', sa.String(length=8), nullable=True),
    sa.Column('birth', sa.String(length=10), nullable=True),
    sa.Column('work_start', sa.String(length=10), nullable=True),
    sa.Column('post_start', sa.String(length=10), nullable=True),
    sa.Column('political', sa.String(length=32), nullable=True),
    sa.Column('education', sa.String(length=32), nullable=True),
    sa.Column('identity', sa.String(length=16), nullable=True),
    sa.Column('unit', sa.String(length=100), nullable=True),
    sa.Column('former_office', sa.String(length=100), nullable=True),
    sa.Column('no_rotation', sa.Boolean(), nullable=False),
    sa.Column('appraisal_1', sa.String(length=16), nullable=True),
    sa.Column('appraisal_2', sa.String(length=16), nullable=True),
    sa.Column('appraisal_3', sa.String(length=16), nullable=True),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('posts',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('office', sa.String(length=100), nullable=True),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=True),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('presence',
    sa.Column('group', sa.String(length=16), nullable=False),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('group')
    )
    op.create_table('scheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('stages',
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("state in ('draft','confirmed','locked','published')"),
    sa.PrimaryKeyConstraint('stage')
    )
    # The audit chain's head exists from the start, so every writer can lock and update it.
    op.execute("INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')")
    op.create_table('declarations',
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('posts', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('person_id', 'round_no')
    )
    op.create_table('rec_counts',
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('post_id', sa.String(length=32), nullable=False),
    sa.Column('group', sa.String(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('confirmed_by', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('person_id', 'post_id', 'group')
    )
    op.create_table('scores',
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('item', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('confirmed_by', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('person_id', 'item')
    )
    op.create_table('speech_scores',
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('judge_id', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('confirmed_by', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['judges.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('person_id', 'judge_id')
    )


def downgrade() -> None:
    op.drop_table('speech_scores')
    op.drop_table('scores')
    op.drop_table('rec_counts')
    op.drop_table('declarations')
    op.drop_table('stages')
    op.drop_table('scheme')
    op.drop_table('presence')
    op.drop_table('posts')
    op.drop_table('people')
    op.drop_table('meta')
    op.drop_table('judges')
    op.drop_table('draws')
    op.drop_table('chain_head')
    op.drop_table('blind_entries')
    op.drop_table('ballots')
    op.drop_table('audit_log')

"""two-way selection

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('selection_choices',
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('posts', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('person_id')
    )
    op.create_table('selection_picks',
    sa.Column('phase', sa.String(length=16), nullable=False),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('person_id', sa.String(length=32), nullable=True),
    sa.Column('chief_signed', sa.Boolean(), nullable=False),
    sa.Column('person_signed', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('phase', 'round_no', 'post_id')
    )
    op.create_table('selection_placements',
    sa.Column('person_id', sa.String(length=32), nullable=False),
    sa.Column('placed_by', sa.String(length=16), nullable=False),
    sa.Column('office', sa.String(length=100), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('person_id')
    )


def downgrade() -> None:
    op.drop_table('selection_placements')
    op.drop_table('selection_picks')
    op.drop_table('selection_choices')

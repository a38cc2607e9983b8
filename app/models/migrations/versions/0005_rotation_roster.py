"""rotation columns of the roster (交流轮岗: 专业类别, 岗位性质, 局管领导干部, 正职/副职, 后备干部 …)

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-30

Nullable columns only: rows written before them read as "not recorded", and their logged states
(which lack these keys) still verify (``app.models.audit``: a key the log does not hold is null).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None

COLUMNS = (
    ('speciality', sa.String(length=8)),
    ('post_kind', sa.String(length=16)),
    ('bureau_leader', sa.Boolean()),
    ('leader_rank', sa.String(length=8)),
    ('reserve_cadre', sa.Boolean()),
    ('units_served', sa.Integer()),
    ('unit_start', sa.String(length=10)),
    ('duties', sa.String(length=64)),
    ('exemption', sa.String(length=64)),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:       # ALTER TABLE … ADD COLUMN: the table is not rebuilt
        op.add_column('people', sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('people') as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)

"""The pure rules of the 细则: no Qt, no SQLAlchemy, nothing else of the app.

Dataclasses in, dataclasses out; every score is a ``Decimal`` rounded by
:func:`app.core.numbers.round_score`, every ratio an exact ``Fraction``.
"""

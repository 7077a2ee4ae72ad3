"""Household state is declared once: dtypes and meanings in FIELDS / CLAIM_FIELDS, and the
same names as typed attributes of the class (what IDEs and mypy see)."""

import typing

import numpy as np

from sim.agents.households import CLAIM_FIELDS, FIELDS, Households


def test_declared_attributes_match_the_field_lists():
    hints = typing.get_type_hints(Households)
    names = [name for name, _, _ in FIELDS + CLAIM_FIELDS]
    assert sorted(hints) == sorted(names)
    assert len(set(names)) == len(names)
    assert all(hints[n] is np.ndarray for n in names)


def test_fields_have_their_dtype_shape_and_meaning():
    h = Households(7, 3)
    for name, dtype, meaning in FIELDS:
        a = getattr(h, name)
        assert a.dtype == np.dtype(dtype) and a.shape == (7,), name
        assert meaning
    for name, dtype, meaning in CLAIM_FIELDS:
        a = getattr(h, name)
        assert a.dtype == np.dtype(dtype) and a.shape == (3, 7), name
        assert meaning
    assert (h.channel == -1).all() and (h.failed_channel == -1).all()
    c = h.copy()
    c.skill[0] = 0.5
    assert h.skill[0] == 0.0

"""Fixtures shared by the readiness tests: the matrix tests' unit tree and profile, and the
requirement profiles each readiness test makes for itself."""

from __future__ import annotations

import pytest

from tests.readiness.matrix_support import build_tree, contingent_profile, only_active
from tests.readiness.unit_readiness_support import retire_seeded_profiles


@pytest.fixture
def tree(commander):
    """MOD > KAZBAT (commanded by `commander`) > KAZBAT-1 and the units beside them
    (matrix_support.build_tree)."""
    return build_tree(commander)


@pytest.fixture
def profile(db):
    """The matrix tests' contingent profile, the only active one."""
    profile = contingent_profile()
    only_active(profile)
    return profile


@pytest.fixture
def own_profiles(db):
    """Only the requirement profiles the test makes count: the seeded ones are retired."""
    retire_seeded_profiles()

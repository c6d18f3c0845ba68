"""The report tests' world (support.build_world): a module with a world of its own overrides
this one."""

import pytest

from tests.reports.support import build_world


@pytest.fixture
def world(commander):
    return build_world(commander)

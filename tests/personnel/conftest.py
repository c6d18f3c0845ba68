from tests.personnel.rank_support import rank_catalogues  # noqa: F401 (a fixture)

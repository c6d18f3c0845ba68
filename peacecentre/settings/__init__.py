"""Settings modules: `dev` (the default for manage.py), `test` (pytest) and `production`."""

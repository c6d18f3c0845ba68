"""Local development: DEBUG on, an insecure key, localhost only. Used by `make run`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# The embedded defaults live under var/: make the folders a fresh clone lacks.
for folder in (VAR_DIR, EMAIL_FILE_PATH, MEDIA_ROOT, STATIC_ROOT):  # noqa: F405
    folder.mkdir(parents=True, exist_ok=True)

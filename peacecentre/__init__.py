"""peacecentre: the project package: settings, URLs, the Celery app and WSGI, nothing else.
The apps and their layers: docs/architecture.md."""

from .celery import app as celery_app

__all__ = ("celery_app",)

"""peacecentre: the project package (settings, urls, the Celery app) and the cross-cutting app
(users and roles, the home dashboard)."""

from .celery import app as celery_app

__all__ = ("celery_app",)

"""Template context every page needs: the signed-in user's roles, for the navigation."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .roles import Role, roles_of


def navigation(request: HttpRequest) -> dict:
    roles = roles_of(request.user) if hasattr(request, "user") else set()
    return {
        "centre_name": settings.PEACECENTRE_NAME or _("Peace Operations Centre"),
        "user_roles": sorted(roles),
        "is_registrar": Role.REGISTRAR in roles,
        "is_instructor": Role.INSTRUCTOR in roles,
        "is_commander": Role.COMMANDER in roles,
        "is_administrator": Role.ADMINISTRATOR in roles,
    }

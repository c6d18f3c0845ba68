"""Admin for sign-in accounts, and the admin site's own titles."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from common.service_owned import (
    ADMIN_EDITS,
    WRITTEN_ELSEWHERE,
    declare_service_owned,
    read_only_library_admin,
)

from .forms import AdminSignInForm
from .models import User
from .roles import Role

centre_name = settings.PEACECENTRE_NAME or _("Peace Operations Centre")
admin.site.site_header = centre_name
admin.site.login_form = AdminSignInForm
admin.site.site_title = format_lazy(_("{centre} administration"), centre=centre_name)
admin.site.index_title = _("Register, courses and deployability")


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (
            _("Permissions"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
    )
    # Recorded by sign-in and sign-up, not set by hand (and their editable date and time boxes
    # come without labels).
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "full_name", "email", "roles", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_staff")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        # One query for every listed user's roles, not one per row.
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("full name"), ordering="last_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        # Role groups show their translated label; any other group its name.
        labels = {role.value: role.label for role in Role}
        return ", ".join(sorted(labels.get(group.name, group.name) for group in obj.groups.all()))


# django-axes' records of sign-ins are written by sign-in alone: read-only here. (axes comes
# before this app in INSTALLED_APPS, so its admins are registered by now.)
for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    read_only_library_admin(_model)


declare_service_owned(
    {
        # Accounts and roles: the admin is their page. Sign-ins are django-axes' records.
        "peacecentre.user": ADMIN_EDITS,
        "auth.group": ADMIN_EDITS,
        "axes.accessattempt": WRITTEN_ELSEWHERE,
        "axes.accesslog": WRITTEN_ELSEWHERE,
        "axes.accessfailurelog": WRITTEN_ELSEWHERE,
    }
)

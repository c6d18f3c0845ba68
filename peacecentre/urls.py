from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as accounts_views
from accounts.forms import SignInForm
from courses.views import verification
from dashboard import views as dashboard_views
from operations import views as operations_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("health/", operations_views.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SignInForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/language/", accounts_views.language_choose, name="language_choose"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The public certificate check: the only pages open without signing in.
    path("verify/", verification.verify_lookup, name="verify"),
    path("verify/<str:code>/", verification.verify_certificate, name="verify_certificate"),
    path("personnel/", include("personnel.urls")),
    path("personnel/", include("readiness.urls")),
    path("courses/", include("courses.urls")),
    path("reports/", include("reports.urls")),
    path("reminders/", include("notifications.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]

# Rendered without touching the database (common/views.py); 403 and 404 keep Django's
# handlers, which render 403.html and 404.html with the signed-in user's menu.
handler400 = "common.views.bad_request"
handler500 = "common.views.server_error"

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The home page: one section per role the signed-in user holds."""

    name = "dashboard"

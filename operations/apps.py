from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the centre's installation: the health check, backups and restores."""

    name = "operations"

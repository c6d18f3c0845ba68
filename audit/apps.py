from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail page: who changed what, read from the models' change history."""

    name = "audit"

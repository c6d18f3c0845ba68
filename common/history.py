"""HistoricalRecords for models edited in the admin with many-to-many fields (users' roles,
requirement profiles) and for units (their commander).

The admin saves an object and then each of its many-to-many fields, and every one of these
steps would leave a history row, most of them changing nothing; a sign-in saves `last_login`
alone. Here a "changed" row is written only when a tracked field or many-to-many set differs
from the last row, so the audit shows one row per real change. Adding a user to a group from
the group's side (`group.user_set.add(user)`) is recorded on the user too (simple-history
would otherwise look for a history on Group).

A `table_name` names the history table, and the history tables of the many-to-many fields
follow it (`<table_name>_<field>`): a model moved to another app keeps all its history tables.
"""

from simple_history import utils
from simple_history.models import HistoricalRecords


class ChangeOnlyHistoricalRecords(HistoricalRecords):
    def get_meta_options_m2m(self, through_model):
        options = super().get_meta_options_m2m(through_model)
        if self.table_name:
            owner = through_model._meta.auto_created  # the model whose field it is
            field = through_model.__name__.removeprefix(f"{owner.__name__}_")
            options["db_table"] = f"{self.table_name}_{field}"
        return options

    def create_historical_record(self, instance, history_type, using=None):
        if history_type == "~" and not self._differs_from_last(instance):
            return
        super().create_historical_record(instance, history_type, using=using)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        # The change came from the other side: `instance` is the group, `pk_set` our objects.
        if action in ("post_add", "post_remove") and pk_set:
            for owner in kwargs["model"]._default_manager.filter(pk__in=pk_set):
                self.create_historical_record(owner, "~")

    def _differs_from_last(self, instance) -> bool:
        """Whether `instance` differs from its last history row (two queries and one per
        many-to-many field; these models change rarely)."""
        last = getattr(instance, self.manager_name).order_by("-history_date", "-history_id").first()
        if last is None:
            return True
        for field in self.fields_included(instance):
            if getattr(instance, field.attname) != getattr(last, field.attname):
                return True
        for field in self.get_m2m_fields_from_model(type(instance)):
            through = field.remote_field.through
            owner_name = utils.get_m2m_field_name(field)
            target_name = utils.get_m2m_reverse_field_name(field)
            now = set(
                through.objects.filter(**{owner_name: instance}).values_list(
                    f"{target_name}_id", flat=True
                )
            )
            before = set(getattr(last, field.name).values_list(f"{target_name}_id", flat=True))
            if now != before:
                return True
        return False

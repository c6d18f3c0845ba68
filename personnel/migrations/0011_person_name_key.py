from django.db import migrations, models

from personnel.spelling import name_key


def fill_name_key(apps, schema_editor):
    Person = apps.get_model("personnel", "Person")
    people = list(Person.objects.only("last_name", "first_name", "middle_name", "service_number"))
    for person in people:
        parts = (person.last_name, person.first_name, person.middle_name, person.service_number)
        person.name_key = " ".join(name_key(part) for part in parts if part)
    Person.objects.bulk_update(people, ["name_key"], batch_size=1000)


def add_trigram_index(apps, schema_editor):
    # Search is a substring match (LIKE '%key%'): on PostgreSQL a trigram index answers it
    # without reading every row. pg_trgm is a trusted extension: the database's owner may add it.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_name_key_trgm "
        "ON personnel_person USING gin (name_key gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_name_key_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("personnel", "0010_unit_history_profile_m2m_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="name_key",
            field=models.CharField(
                default="",
                editable=False,
                help_text=(
                    "Names and service number with their spelling variants folded, for search "
                    "(kept by save() and bulk writes)."
                ),
                max_length=700,
                verbose_name="spelling key",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="search_text",
            field=models.CharField(
                default="",
                editable=False,
                help_text="Names and service number in Latin letters, for sorting (kept by save()).",
                max_length=500,
                verbose_name="search text",
            ),
        ),
        migrations.RunPython(fill_name_key, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]

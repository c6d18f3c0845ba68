"""The import file moves from the app labelled "peacecentre" (now accounts) to the imports app.
Its table keeps its name (peacecentre_importfile): the model moves in Django's state only, and
its content type (with its permissions) follows it."""

import django.db.models.deletion
import imports.models
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=target, model="importfile").exists():
        types.filter(app_label=source, model="importfile").update(app_label=target)


def content_type_follows(apps, schema_editor) -> None:
    _move_content_type(apps, schema_editor, source="peacecentre", target="imports")


def content_type_returns(apps, schema_editor) -> None:
    _move_content_type(apps, schema_editor, source="imports", target="peacecentre")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("peacecentre", "0007_delete_importfile"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.CreateModel(
            name='ImportFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('people', 'personnel register'), ('certifications', 'certification history')], max_length=32, verbose_name='kind')),
                ('file', models.FileField(max_length=200, upload_to=imports.models.import_file_path, verbose_name='file')),
                ('original_name', models.CharField(max_length=255, verbose_name='original file name')),
                ('size', models.PositiveIntegerField(verbose_name='size (bytes)')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                ('applied_at', models.DateTimeField(blank=True, null=True, verbose_name='applied at')),
                ('summary', models.JSONField(blank=True, default=dict, help_text='What applying it did (counts).', verbose_name='summary')),
                ('applied_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='applied by')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='import_files', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
            ],
            options={
                'verbose_name': 'import file',
                'verbose_name_plural': 'import files',
                'db_table': 'peacecentre_importfile',
                'ordering': ['-uploaded_at', '-pk'],
                'indexes': [models.Index(fields=['uploaded_by', 'kind'], name='import_file_uploader')],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['people', 'certifications'])), name='import_file_kind_known'), models.CheckConstraint(condition=models.Q(models.Q(('applied_at__isnull', True), ('applied_by__isnull', True)), models.Q(('applied_at__isnull', False), ('applied_by__isnull', False)), _connector='OR'), name='import_file_applied_with_who', violation_error_message='An applied import records who applied it.')],
            },
        )]),
        migrations.RunPython(content_type_follows, content_type_returns),
    ]

"""The readiness app takes over requirement profiles, missions, contingents, deployments and the
unit readiness records from the personnel app (personnel/migrations/0013_readiness_models_leave.py).
Their tables keep their names (each model's db_table): the models enter this app's state only,
and their content types (with their permissions) follow them."""

import django.db.models.deletion
import django_countries.fields
import simple_history.models
from django.conf import settings
from django.db import migrations, models


MOVED = ['mission', 'contingent', 'deployment', 'historicaldeployment', 'requirementprofile', 'historicalrequirementprofile', 'historicalrequirementprofile_allowed_ranks', 'historicalrequirementprofile_required_certifications', 'unitreadinessassessment', 'assessmentarearesult', 'gendertarget', 'readinesssnapshot']


def _move_content_types(apps, schema_editor, *, source: str, target: str) -> None:
    types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    taken = set(types.filter(app_label=target, model__in=MOVED).values_list("model", flat=True))
    types.filter(app_label=source, model__in=set(MOVED) - taken).update(app_label=target)


def content_types_follow(apps, schema_editor) -> None:
    _move_content_types(apps, schema_editor, source="personnel", target="readiness")


def content_types_return(apps, schema_editor) -> None:
    _move_content_types(apps, schema_editor, source="readiness", target="personnel")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('courses', '0005_gradebook'),
        ('personnel', '0013_readiness_models_leave'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                    migrations.CreateModel(
                        name='GenderTarget',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('category', models.CharField(choices=[('contingent', 'military contingents'), ('observers_staff', 'military observers and staff officers'), ('formed_police', 'formed police units'), ('individual_police', 'individual police officers')], max_length=20, verbose_name='category')),
                            ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                            ('percent', models.DecimalField(decimal_places=2, max_digits=5, verbose_name='target share of women (%)')),
                            ('source', models.CharField(blank=True, max_length=255, verbose_name='source')),
                        ],
                        options={
                            'verbose_name': 'gender target',
                            'verbose_name_plural': 'gender targets',
                            'db_table': 'personnel_gendertarget',
                            'ordering': ['year', 'category'],
                            'constraints': [models.UniqueConstraint(fields=('category', 'year'), name='gender_target_once_per_year'), models.CheckConstraint(condition=models.Q(('percent__gte', 0), ('percent__lte', 100)), name='gender_target_percent_0_100', violation_error_message='A share is between 0 and 100 percent.'), models.CheckConstraint(condition=models.Q(('category__in', ['contingent', 'observers_staff', 'formed_police', 'individual_police'])), name='gender_target_category_known')],
                        },
                    ),
                    migrations.CreateModel(
                        name='HistoricalRequirementProfile',
                        fields=[
                            ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                            ('code', models.SlugField(max_length=32, verbose_name='code')),
                            ('name', models.CharField(max_length=120, verbose_name='name')),
                            ('description', models.TextField(blank=True, verbose_name='description')),
                            ('gender_category', models.CharField(choices=[('contingent', 'military contingents'), ('observers_staff', 'military observers and staff officers'), ('formed_police', 'formed police units'), ('individual_police', 'individual police officers')], help_text='Which UN gender parity target people in this role count towards.', max_length=20, verbose_name='UN gender category')),
                            ('categories', models.JSONField(blank=True, default=list, help_text='Personnel categories this role admits; empty admits all.', verbose_name='allowed categories')),
                            ('officers_only', models.BooleanField(default=False, verbose_name='officers only')),
                            ('language', models.CharField(choices=[('en', 'English'), ('fr', 'French'), ('ar', 'Arabic'), ('ru', 'Russian'), ('es', 'Spanish'), ('zh', 'Chinese')], default='en', max_length=8, verbose_name='language')),
                            ('min_listening', models.PositiveSmallIntegerField(default=0, verbose_name='minimum listening')),
                            ('min_speaking', models.PositiveSmallIntegerField(default=0, verbose_name='minimum speaking')),
                            ('min_reading', models.PositiveSmallIntegerField(default=0, verbose_name='minimum reading')),
                            ('min_writing', models.PositiveSmallIntegerField(default=0, verbose_name='minimum writing')),
                            ('requires_medical', models.BooleanField(default=True, verbose_name='medical clearance required')),
                            ('requires_passport', models.BooleanField(default=True, verbose_name='passport required')),
                            ('passport_months_after_tour', models.PositiveSmallIntegerField(default=6, help_text="Centre policy: the passport must stay valid this long past the tour's end.", verbose_name='passport valid for months after the tour')),
                            ('requires_driving_licence', models.BooleanField(default=False, verbose_name='driving licence required')),
                            ('min_driving_licence_years', models.PositiveSmallIntegerField(default=0, verbose_name='driving licence held for at least (years)')),
                            ('requires_manual_transmission', models.BooleanField(default=False, verbose_name='manual gearbox licence')),
                            ('requires_weapons', models.BooleanField(default=False, verbose_name='weapons qualification required')),
                            ('min_age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='minimum age')),
                            ('max_age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='maximum age')),
                            ('min_service_years', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='minimum years of service')),
                            ('default_tour_months', models.PositiveSmallIntegerField(default=12, verbose_name='default tour (months)')),
                            ('source', models.CharField(blank=True, max_length=255, verbose_name='source')),
                            ('policy_notes', models.TextField(blank=True, help_text="Which values are the centre's policy rather than UN rules.", verbose_name='centre policy values')),
                            ('is_active', models.BooleanField(default=True, verbose_name='active')),
                            ('history_id', models.AutoField(primary_key=True, serialize=False)),
                            ('history_date', models.DateTimeField(db_index=True)),
                            ('history_change_reason', models.CharField(max_length=100, null=True)),
                            ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                            ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ],
                        options={
                            'verbose_name': 'historical requirement profile',
                            'verbose_name_plural': 'historical requirement profiles',
                            'db_table': 'personnel_historicalrequirementprofile',
                            'ordering': ('-history_date', '-history_id'),
                            'get_latest_by': ('history_date', 'history_id'),
                        },
                        bases=(simple_history.models.HistoricalChanges, models.Model),
                    ),
                    migrations.CreateModel(
                        name='Mission',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('acronym', models.CharField(max_length=16, unique=True, verbose_name='acronym')),
                            ('name', models.CharField(max_length=200, verbose_name='name')),
                            ('host', models.CharField(help_text='Country or territory', max_length=120, verbose_name='host')),
                            ('started_on', models.DateField(verbose_name='started on')),
                            ('ended_on', models.DateField(blank=True, null=True, verbose_name='ended on')),
                            ('mandate_until', models.DateField(blank=True, help_text="The current mandate's end.", null=True, verbose_name='mandate until')),
                        ],
                        options={
                            'verbose_name': 'mission',
                            'verbose_name_plural': 'missions',
                            'db_table': 'personnel_mission',
                            'ordering': ['acronym'],
                            'constraints': [models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('ended_on__gte', models.F('started_on')), _connector='OR'), name='mission_end_not_before_start', violation_error_message='A mission cannot end before it starts.')],
                        },
                    ),
                    migrations.CreateModel(
                        name='Contingent',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('name', models.CharField(max_length=120, verbose_name='name')),
                            ('rotation', models.PositiveSmallIntegerField(default=1, verbose_name='rotation')),
                            ('partner_country', django_countries.fields.CountryField(blank=True, max_length=2, verbose_name='partner country')),
                            ('partner_unit', models.CharField(blank=True, max_length=120, verbose_name='partner unit')),
                            ('starts_on', models.DateField(verbose_name='starts on')),
                            ('ends_on', models.DateField(verbose_name='ends on')),
                            ('planned_strength', models.PositiveIntegerField(verbose_name='planned strength')),
                            ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contingents', to='personnel.unit', verbose_name='unit')),
                            ('mission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contingents', to='readiness.mission', verbose_name='mission')),
                        ],
                        options={
                            'verbose_name': 'contingent',
                            'verbose_name_plural': 'contingents',
                            'db_table': 'personnel_contingent',
                            'ordering': ['-starts_on'],
                        },
                    ),
                    migrations.CreateModel(
                        name='RequirementProfile',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('code', models.SlugField(max_length=32, unique=True, verbose_name='code')),
                            ('name', models.CharField(max_length=120, verbose_name='name')),
                            ('description', models.TextField(blank=True, verbose_name='description')),
                            ('gender_category', models.CharField(choices=[('contingent', 'military contingents'), ('observers_staff', 'military observers and staff officers'), ('formed_police', 'formed police units'), ('individual_police', 'individual police officers')], help_text='Which UN gender parity target people in this role count towards.', max_length=20, verbose_name='UN gender category')),
                            ('categories', models.JSONField(blank=True, default=list, help_text='Personnel categories this role admits; empty admits all.', verbose_name='allowed categories')),
                            ('officers_only', models.BooleanField(default=False, verbose_name='officers only')),
                            ('language', models.CharField(choices=[('en', 'English'), ('fr', 'French'), ('ar', 'Arabic'), ('ru', 'Russian'), ('es', 'Spanish'), ('zh', 'Chinese')], default='en', max_length=8, verbose_name='language')),
                            ('min_listening', models.PositiveSmallIntegerField(default=0, verbose_name='minimum listening')),
                            ('min_speaking', models.PositiveSmallIntegerField(default=0, verbose_name='minimum speaking')),
                            ('min_reading', models.PositiveSmallIntegerField(default=0, verbose_name='minimum reading')),
                            ('min_writing', models.PositiveSmallIntegerField(default=0, verbose_name='minimum writing')),
                            ('requires_medical', models.BooleanField(default=True, verbose_name='medical clearance required')),
                            ('requires_passport', models.BooleanField(default=True, verbose_name='passport required')),
                            ('passport_months_after_tour', models.PositiveSmallIntegerField(default=6, help_text="Centre policy: the passport must stay valid this long past the tour's end.", verbose_name='passport valid for months after the tour')),
                            ('requires_driving_licence', models.BooleanField(default=False, verbose_name='driving licence required')),
                            ('min_driving_licence_years', models.PositiveSmallIntegerField(default=0, verbose_name='driving licence held for at least (years)')),
                            ('requires_manual_transmission', models.BooleanField(default=False, verbose_name='manual gearbox licence')),
                            ('requires_weapons', models.BooleanField(default=False, verbose_name='weapons qualification required')),
                            ('min_age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='minimum age')),
                            ('max_age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='maximum age')),
                            ('min_service_years', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='minimum years of service')),
                            ('default_tour_months', models.PositiveSmallIntegerField(default=12, verbose_name='default tour (months)')),
                            ('source', models.CharField(blank=True, max_length=255, verbose_name='source')),
                            ('policy_notes', models.TextField(blank=True, help_text="Which values are the centre's policy rather than UN rules.", verbose_name='centre policy values')),
                            ('is_active', models.BooleanField(default=True, verbose_name='active')),
                            ('allowed_ranks', models.ManyToManyField(blank=True, help_text='Empty admits every rank.', to='personnel.rank', verbose_name='allowed ranks')),
                            ('required_certifications', models.ManyToManyField(blank=True, related_name='requirement_profiles', to='courses.certificationtype', verbose_name='required certifications')),
                        ],
                        options={
                            'verbose_name': 'requirement profile',
                            'verbose_name_plural': 'requirement profiles',
                            'db_table': 'personnel_requirementprofile',
                            'ordering': ['name'],
                        },
                    ),
                    migrations.CreateModel(
                        name='ReadinessSnapshot',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('taken_on', models.DateField(verbose_name='taken on')),
                            ('headcount', models.PositiveIntegerField(verbose_name='headcount')),
                            ('ready', models.PositiveIntegerField(verbose_name='ready')),
                            ('lapsing', models.PositiveIntegerField(default=0, help_text='Ready, with something lapsing soon.', verbose_name='ready but lapsing')),
                            ('gaps', models.JSONField(blank=True, help_text='For each requirement not met by someone, how many people: requirement key -> count. Empty when nothing is missing; blank for snapshots taken before gaps were recorded.', null=True, verbose_name='gaps')),
                            ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='readiness_snapshots', to='personnel.unit', verbose_name='unit')),
                            ('profile', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='readiness_snapshots', to='readiness.requirementprofile', verbose_name='requirement profile')),
                        ],
                        options={
                            'verbose_name': 'readiness snapshot',
                            'verbose_name_plural': 'readiness snapshots',
                            'db_table': 'personnel_readinesssnapshot',
                            'ordering': ['unit', 'profile', 'taken_on'],
                        },
                    ),
                    migrations.CreateModel(
                        name='HistoricalRequirementProfile_required_certifications',
                        fields=[
                            ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                            ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                            ('certificationtype', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='courses.certificationtype')),
                            ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='readiness.historicalrequirementprofile')),
                            ('requirementprofile', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='readiness.requirementprofile')),
                        ],
                        options={
                            'verbose_name': 'HistoricalRequirementProfile_required_certifications',
                            'db_table': 'personnel_historicalrequirementprofile_required_certifications',
                        },
                        bases=(simple_history.models.HistoricalChanges, models.Model),
                    ),
                    migrations.CreateModel(
                        name='HistoricalRequirementProfile_allowed_ranks',
                        fields=[
                            ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                            ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                            ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='readiness.historicalrequirementprofile')),
                            ('rank', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='personnel.rank')),
                            ('requirementprofile', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='readiness.requirementprofile')),
                        ],
                        options={
                            'verbose_name': 'HistoricalRequirementProfile_allowed_ranks',
                            'db_table': 'personnel_historicalrequirementprofile_allowed_ranks',
                        },
                        bases=(simple_history.models.HistoricalChanges, models.Model),
                    ),
                    migrations.CreateModel(
                        name='HistoricalDeployment',
                        fields=[
                            ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                            ('starts_on', models.DateField(verbose_name='starts on')),
                            ('ends_on', models.DateField(verbose_name='planned end')),
                            ('returned_on', models.DateField(blank=True, null=True, verbose_name='returned on')),
                            ('status', models.CharField(choices=[('planned', 'planned'), ('deployed', 'deployed'), ('completed', 'completed'), ('repatriated', 'repatriated'), ('cancelled', 'cancelled')], default='planned', max_length=16, verbose_name='status')),
                            ('override_reason', models.TextField(blank=True, help_text='Why this person was deployed although not every requirement was met.', verbose_name='readiness override reason')),
                            ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                            ('history_id', models.AutoField(primary_key=True, serialize=False)),
                            ('history_date', models.DateTimeField(db_index=True)),
                            ('history_change_reason', models.CharField(max_length=100, null=True)),
                            ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                            ('contingent', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='readiness.contingent', verbose_name='contingent')),
                            ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                            ('override_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='override recorded by')),
                            ('person', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='personnel.person', verbose_name='person')),
                            ('mission', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='readiness.mission', verbose_name='mission')),
                            ('role', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='readiness.requirementprofile', verbose_name='role')),
                        ],
                        options={
                            'verbose_name': 'historical deployment',
                            'verbose_name_plural': 'historical deployments',
                            'db_table': 'personnel_historicaldeployment',
                            'ordering': ('-history_date', '-history_id'),
                            'get_latest_by': ('history_date', 'history_id'),
                        },
                        bases=(simple_history.models.HistoricalChanges, models.Model),
                    ),
                    migrations.CreateModel(
                        name='Deployment',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('starts_on', models.DateField(verbose_name='starts on')),
                            ('ends_on', models.DateField(verbose_name='planned end')),
                            ('returned_on', models.DateField(blank=True, null=True, verbose_name='returned on')),
                            ('status', models.CharField(choices=[('planned', 'planned'), ('deployed', 'deployed'), ('completed', 'completed'), ('repatriated', 'repatriated'), ('cancelled', 'cancelled')], default='planned', max_length=16, verbose_name='status')),
                            ('override_reason', models.TextField(blank=True, help_text='Why this person was deployed although not every requirement was met.', verbose_name='readiness override reason')),
                            ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                            ('contingent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='deployments', to='readiness.contingent', verbose_name='contingent')),
                            ('override_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='override recorded by')),
                            ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deployments', to='personnel.person', verbose_name='person')),
                            ('mission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deployments', to='readiness.mission', verbose_name='mission')),
                            ('role', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deployments', to='readiness.requirementprofile', verbose_name='role')),
                        ],
                        options={
                            'verbose_name': 'deployment',
                            'verbose_name_plural': 'deployments',
                            'db_table': 'personnel_deployment',
                            'ordering': ['-starts_on'],
                            'permissions': [('override_deployment_readiness', 'Can plan a deployment for someone not ready, with a reason')],
                        },
                    ),
                    migrations.CreateModel(
                        name='UnitReadinessAssessment',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('assessed_on', models.DateField(verbose_name='assessed on')),
                            ('kind', models.CharField(choices=[('aav', 'Assessment and Advisory Visit'), ('pdv', 'pre-deployment visit'), ('internal', 'internal assessment')], max_length=16, verbose_name='kind')),
                            ('pcrs_level', models.CharField(blank=True, choices=[('1', 'Level 1: pledge registered'), ('2', 'Level 2: eligible after a successful AAV'), ('3', 'Level 3: aligned with the Statement of Unit Requirements'), ('RDL', 'Rapid Deployment Level')], max_length=3, verbose_name='PCRS level reached')),
                            ('outcome', models.CharField(choices=[('passed', 'passed'), ('conditional', 'passed with conditions'), ('failed', 'failed')], max_length=16, verbose_name='outcome')),
                            ('assessed_by', models.CharField(blank=True, max_length=200, verbose_name='assessed by')),
                            ('remarks', models.TextField(blank=True, verbose_name='remarks')),
                            ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='readiness_assessments', to='personnel.unit', verbose_name='unit')),
                        ],
                        options={
                            'verbose_name': 'unit readiness assessment',
                            'verbose_name_plural': 'unit readiness assessments',
                            'db_table': 'personnel_unitreadinessassessment',
                            'ordering': ['-assessed_on'],
                        },
                    ),
                    migrations.CreateModel(
                        name='AssessmentAreaResult',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('area', models.CharField(choices=[('general', 'general'), ('training', 'training'), ('equipment', 'equipment (COE)'), ('movement', 'movement control'), ('medical', 'medical'), ('engineering', 'engineering'), ('ict', 'ICT'), ('logistics', 'logistics'), ('conduct', 'conduct and discipline')], max_length=16, verbose_name='area')),
                            ('result', models.CharField(choices=[('satisfactory', 'satisfactory'), ('needs_improvement', 'needs improvement'), ('unsatisfactory', 'unsatisfactory')], max_length=20, verbose_name='result')),
                            ('remarks', models.TextField(blank=True, verbose_name='remarks')),
                            ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='areas', to='readiness.unitreadinessassessment', verbose_name='assessment')),
                        ],
                        options={
                            'verbose_name': 'assessment area result',
                            'verbose_name_plural': 'assessment area results',
                            'db_table': 'personnel_assessmentarearesult',
                            'ordering': ['assessment', 'area'],
                        },
                    ),
                    migrations.AddConstraint(
                        model_name='contingent',
                        constraint=models.UniqueConstraint(fields=('mission', 'unit', 'rotation'), name='contingent_rotation_unique'),
                    ),
                    migrations.AddConstraint(
                        model_name='contingent',
                        constraint=models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='contingent_end_not_before_start', violation_error_message='The end date cannot be before the start date.'),
                    ),
                    migrations.AddConstraint(
                        model_name='requirementprofile',
                        constraint=models.CheckConstraint(condition=models.Q(('min_listening__lte', 5)), name='profile_min_listening_stanag_0_5', violation_error_message='STANAG 6001 levels run from 0 to 5.'),
                    ),
                    migrations.AddConstraint(
                        model_name='requirementprofile',
                        constraint=models.CheckConstraint(condition=models.Q(('min_speaking__lte', 5)), name='profile_min_speaking_stanag_0_5', violation_error_message='STANAG 6001 levels run from 0 to 5.'),
                    ),
                    migrations.AddConstraint(
                        model_name='requirementprofile',
                        constraint=models.CheckConstraint(condition=models.Q(('min_reading__lte', 5)), name='profile_min_reading_stanag_0_5', violation_error_message='STANAG 6001 levels run from 0 to 5.'),
                    ),
                    migrations.AddConstraint(
                        model_name='requirementprofile',
                        constraint=models.CheckConstraint(condition=models.Q(('min_writing__lte', 5)), name='profile_min_writing_stanag_0_5', violation_error_message='STANAG 6001 levels run from 0 to 5.'),
                    ),
                    migrations.AddConstraint(
                        model_name='requirementprofile',
                        constraint=models.CheckConstraint(condition=models.Q(('min_age__isnull', True), ('max_age__isnull', True), ('max_age__gte', models.F('min_age')), _connector='OR'), name='profile_age_range_ordered', violation_error_message='The maximum age cannot be below the minimum age.'),
                    ),
                    migrations.AddConstraint(
                        model_name='requirementprofile',
                        constraint=models.CheckConstraint(condition=models.Q(('language__in', ['en', 'fr', 'ar', 'ru', 'es', 'zh'])), name='profile_language_known'),
                    ),
                    migrations.AddConstraint(
                        model_name='requirementprofile',
                        constraint=models.CheckConstraint(condition=models.Q(('gender_category__in', ['contingent', 'observers_staff', 'formed_police', 'individual_police'])), name='profile_gender_category_known'),
                    ),
                    migrations.AddConstraint(
                        model_name='readinesssnapshot',
                        constraint=models.UniqueConstraint(fields=('unit', 'profile', 'taken_on'), name='readiness_snapshot_once_a_day'),
                    ),
                    migrations.AddConstraint(
                        model_name='readinesssnapshot',
                        constraint=models.CheckConstraint(condition=models.Q(('ready__lte', models.F('headcount')), ('lapsing__lte', models.F('ready'))), name='readiness_snapshot_counts_ordered'),
                    ),
                    migrations.AddConstraint(
                        model_name='deployment',
                        constraint=models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='deployment_end_not_before_start', violation_error_message='The end date cannot be before the start date.'),
                    ),
                    migrations.AddConstraint(
                        model_name='deployment',
                        constraint=models.CheckConstraint(condition=models.Q(('returned_on__isnull', True), ('returned_on__gte', models.F('starts_on')), _connector='OR'), name='deployment_return_not_before_start', violation_error_message='The return date cannot be before the start date.'),
                    ),
                    migrations.AddConstraint(
                        model_name='deployment',
                        constraint=models.CheckConstraint(condition=models.Q(('status__in', ['planned', 'deployed', 'completed', 'repatriated', 'cancelled'])), name='deployment_status_known'),
                    ),
                    migrations.AddConstraint(
                        model_name='deployment',
                        constraint=models.CheckConstraint(condition=models.Q(('override_by__isnull', True), models.Q(('override_reason', ''), _negated=True), _connector='OR'), name='deployment_override_has_reason', violation_error_message='A readiness override needs a reason.'),
                    ),
                    migrations.AddConstraint(
                        model_name='unitreadinessassessment',
                        constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['aav', 'pdv', 'internal'])), name='assessment_kind_known'),
                    ),
                    migrations.AddConstraint(
                        model_name='unitreadinessassessment',
                        constraint=models.CheckConstraint(condition=models.Q(('outcome__in', ['passed', 'conditional', 'failed'])), name='assessment_outcome_known'),
                    ),
                    migrations.AddConstraint(
                        model_name='assessmentarearesult',
                        constraint=models.UniqueConstraint(fields=('assessment', 'area'), name='assessment_area_once'),
                    ),
                    migrations.AddConstraint(
                        model_name='assessmentarearesult',
                        constraint=models.CheckConstraint(condition=models.Q(('area__in', ['general', 'training', 'equipment', 'movement', 'medical', 'engineering', 'ict', 'logistics', 'conduct'])), name='assessment_area_known'),
                    ),
                    migrations.AddConstraint(
                        model_name='assessmentarearesult',
                        constraint=models.CheckConstraint(condition=models.Q(('result__in', ['satisfactory', 'needs_improvement', 'unsatisfactory'])), name='assessment_result_known'),
                    ),
            ]
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]

"""The readiness pages. Mounted under /personnel/ beside the register (their addresses
predate this app), named in the "readiness" namespace."""

from django.urls import path

from .views import contingents, lifecycle, matrix, missions, pcrs, units

app_name = "readiness"

# Readiness matrix, its exports and the gender balance (readiness/views/matrix.py).
urlpatterns: list = [
    path("readiness/", matrix.readiness_matrix, name="readiness_matrix"),
    path(
        "readiness/export.<str:file_format>",
        matrix.readiness_matrix_export,
        name="readiness_matrix_export",
    ),
    path("readiness/people/<int:pk>/", matrix.person_readiness, name="person_readiness"),
    path("gender/", matrix.gender_balance, name="gender_balance"),
]

# Unit readiness (readiness/views/units.py).
urlpatterns += [
    path("units/", units.unit_readiness_list, name="unit_readiness_list"),
    path("units/<int:pk>/", units.unit_readiness, name="unit_readiness"),
]

# Missions, contingents and deployments (readiness/views/missions.py).
urlpatterns += [
    path("missions/", missions.mission_list, name="mission_list"),
    path("missions/<int:pk>/", missions.mission_detail, name="mission_detail"),
    path("contingents/<int:pk>/", missions.contingent_detail, name="contingent_detail"),
    path("deployments/plan/", missions.deployment_plan, name="deployment_plan"),
    path("deployments/returning/", missions.deployments_returning, name="deployments_returning"),
]

# Contingents and rotations: posts by role, the next rotation, its proposed roster
# (readiness/views/contingents.py).
urlpatterns += [
    path("contingents/new/", contingents.contingent_create, name="contingent_create"),
    path("contingents/<int:pk>/edit/", contingents.contingent_edit, name="contingent_edit"),
    path(
        "contingents/<int:pk>/next-rotation/",
        contingents.contingent_next_rotation,
        name="contingent_next_rotation",
    ),
    path(
        "contingents/<int:pk>/proposal/",
        contingents.contingent_proposal,
        name="contingent_proposal",
    ),
]

# A tour's page and its moves (readiness/views/lifecycle.py).
urlpatterns += [
    path("deployments/<int:pk>/", lifecycle.deployment_detail, name="deployment_detail"),
    path("deployments/<int:pk>/<slug:move>/", lifecycle.deployment_move, name="deployment_move"),
]

# PCRS: pledges, levels, assessment visits and their findings (readiness/views/pcrs.py).
urlpatterns += [
    path("units/<int:pk>/pcrs/", pcrs.unit_pcrs, name="unit_pcrs"),
    path("units/<int:pk>/pcrs/pledge/", pcrs.pledge_register, name="pcrs_pledge_register"),
    path("units/<int:pk>/pcrs/renew/", pcrs.pledge_renew, name="pcrs_pledge_renew"),
    path("units/<int:pk>/pcrs/level/", pcrs.pledge_level, name="pcrs_pledge_level"),
    path("units/<int:pk>/pcrs/visits/new/", pcrs.visit_record, name="pcrs_visit_record"),
    path("pcrs/visits/<int:pk>/findings/new/", pcrs.finding_add, name="pcrs_finding_add"),
    path("pcrs/findings/<int:pk>/close/", pcrs.finding_close, name="pcrs_finding_close"),
]

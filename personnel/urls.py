from django.urls import path

from .views import imports, matrix, missions, register, units

app_name = "personnel"

urlpatterns: list = [
    path("people/", register.person_list, name="person_list"),
    path("people/new/", register.person_edit, name="person_create"),
    path("people/<int:pk>/", register.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", register.person_edit, name="person_update"),
    path(
        "people/<int:pk>/<slug:kind>/new/",
        register.qualification_edit,
        name="qualification_create",
    ),
    path(
        "people/<int:pk>/<slug:kind>/<int:record_pk>/edit/",
        register.qualification_edit,
        name="qualification_update",
    ),
    path(
        "people/<int:pk>/<slug:kind>/<int:record_pk>/delete/",
        register.qualification_delete,
        name="qualification_delete",
    ),
    *imports.PEOPLE_PAGES.urlpatterns("import/"),
]

# Readiness matrix, its exports and the gender balance (personnel/views/matrix.py).
urlpatterns += [
    path("readiness/", matrix.readiness_matrix, name="readiness_matrix"),
    path(
        "readiness/export.<str:file_format>",
        matrix.readiness_matrix_export,
        name="readiness_matrix_export",
    ),
    path("readiness/people/<int:pk>/", matrix.person_readiness, name="person_readiness"),
    path("gender/", matrix.gender_balance, name="gender_balance"),
]

# Unit readiness (personnel/views/units.py).
urlpatterns += [
    path("units/", units.unit_readiness_list, name="unit_readiness_list"),
    path("units/<int:pk>/", units.unit_readiness, name="unit_readiness"),
]

# Missions, contingents and deployments (personnel/views/missions.py).
urlpatterns += [
    path("missions/", missions.mission_list, name="mission_list"),
    path("missions/<int:pk>/", missions.mission_detail, name="mission_detail"),
    path("contingents/<int:pk>/", missions.contingent_detail, name="contingent_detail"),
    path("deployments/plan/", missions.deployment_plan, name="deployment_plan"),
    path("deployments/returning/", missions.deployments_returning, name="deployments_returning"),
]

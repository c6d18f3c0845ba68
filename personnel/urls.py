from django.urls import path

from .views import imports, picker, register

app_name = "personnel"

urlpatterns: list = [
    path("people/", register.person_list, name="person_list"),
    path("people/search/", picker.people_search, name="people_search"),
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

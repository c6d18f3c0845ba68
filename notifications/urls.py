from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.reminder_list, name="list"),
]

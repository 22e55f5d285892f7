"""The API's routes, mounted under /api/."""

from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("echo/", views.echo, name="echo"),
{%- if cookiecutter.database == "postgresql" %}
    path("notes/", views.note_list, name="note-list"),
    path("notes/<int:pk>/", views.note_detail, name="note-detail"),
{%- endif %}
]

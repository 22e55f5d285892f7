{%- set drf = cookiecutter.api_framework == "drf" -%}
"""The API's routes, mounted under /api/."""

from django.urls import path
{%- if drf %}
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView
{%- endif %}

from . import {% if (cookiecutter | derived).tasks %}events, {% endif %}views

app_name = "api"

urlpatterns = [
    path("echo/", views.echo, name="echo"),
{%- if (cookiecutter | derived).tasks %}
    path("events/", events.publish_event, name="events"),
{%- endif %}
{%- if cookiecutter.database == "postgresql" %}
    path("notes/", views.{{ "NoteList.as_view()" if drf else "note_list" }}, name="note-list"),
    path("notes/<int:pk>/", views.{{ "NoteDetail.as_view()" if drf else "note_detail" }}, name="note-detail"),
{%- endif %}
{%- if drf %}
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-json"),
    # Swagger UI's page loads its script and styles from a CDN (SPECTACULAR_SETTINGS in config/settings/base.py).
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:openapi-json"), name="openapi-view"),
{%- endif %}
]

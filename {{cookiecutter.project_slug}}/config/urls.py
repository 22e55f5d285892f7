"""
URL configuration for {{ cookiecutter.project_name }}.

https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/http/urls/
"""

{% if cookiecutter.use_admin -%}
from django.contrib import admin
{% endif -%}
from django.urls import {% if cookiecutter.api_framework != "ninja" %}include, {% endif %}path

from {{ cookiecutter.project_slug }} import views
{%- if cookiecutter.api_framework == "ninja" %}
from {{ cookiecutter.project_slug }}.api import api
{%- endif %}

urlpatterns = [
    path("health/", views.health, name="health"),
{%- if cookiecutter.api_framework == "ninja" %}
    path("api/", api.urls),
{%- else %}
    path("api/", include("{{ cookiecutter.project_slug }}.urls")),
{%- endif %}
{%- if cookiecutter.use_admin %}
    path("admin/", admin.site.urls),
{%- endif %}
]

# An API answers errors in JSON, not with HTML pages.
handler400 = "{{ cookiecutter.project_slug }}.views.bad_request"
handler404 = "{{ cookiecutter.project_slug }}.views.not_found"
handler500 = "{{ cookiecutter.project_slug }}.views.server_error"

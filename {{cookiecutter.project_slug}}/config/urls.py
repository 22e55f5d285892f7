"""
URL configuration for {{ cookiecutter.project_name }}.

https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/http/urls/
"""

{% if cookiecutter.use_admin -%}
from django.contrib import admin
{% endif -%}
from django.urls import include, path

from {{ cookiecutter.project_slug }} import views

urlpatterns = [
    path("health/", views.health, name="health"),
    path("api/", include("{{ cookiecutter.project_slug }}.urls")),
{%- if cookiecutter.use_admin %}
    path("admin/", admin.site.urls),
{%- endif %}
]

# An API answers errors in JSON, not with HTML pages.
handler400 = "{{ cookiecutter.project_slug }}.views.bad_request"
handler404 = "{{ cookiecutter.project_slug }}.views.not_found"
handler500 = "{{ cookiecutter.project_slug }}.views.server_error"

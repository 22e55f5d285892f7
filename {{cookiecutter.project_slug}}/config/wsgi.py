"""
WSGI config for {{ cookiecutter.project_name }}.

It exposes the WSGI callable as a module-level variable named ``application``.
lambda_function.py serves it on AWS Lambda; any WSGI server can serve it too.

For more information on this file, see
https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

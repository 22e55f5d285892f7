"""The {{ cookiecutter.project_name }} API."""

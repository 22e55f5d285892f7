"""Shared test set-up. Tests use config.settings.test (see pyproject.toml)."""

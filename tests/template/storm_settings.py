"""Settings of the simulated Lambdas in test_connection_storm.py: the generated production settings, unchanged,
with the test-only routes of storm_urls.py on top (the app has no write endpoint of its own)."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "storm_urls"

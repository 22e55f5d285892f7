"""Settings of the simulated Lambdas in tests/template/test_connection_storm.py: the generated production
settings, unchanged but for the database login, with the test-only routes of storm_urls.py on top (the app has no
write endpoint of its own).

The projects sit in a VPC, so their database is the stack's: config.rds logs in with the password RDS keeps in
Secrets Manager. Here the database is a local cluster whose app role logs in without a password over plain TCP,
so Django's own PostgreSQL backend connects as that role; everything the storm compares (CONN_MAX_AGE, the
health checks, server-side cursors) is the production settings' own.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import DATABASES

DATABASES["default"].update(ENGINE="django.db.backends.postgresql", USER="app")
DATABASES["default"]["OPTIONS"]["sslmode"] = "disable"  # the local cluster has no TLS; RDS requires it

ROOT_URLCONF = "storm_urls"

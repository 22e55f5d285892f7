"""Settings of a benchmarked package whose database is the stack's (use_vpc, as the RDS Proxy settings need):
the generated production settings, unchanged but for the login.

On Lambda, config.rds reads the login from the secret RDS keeps in Secrets Manager; here the database is the
local server's, reached through PgBouncer as its passwordless postgres user over plain TCP, so Django's own
PostgreSQL backend connects. Everything the warm benchmark compares (CONN_MAX_AGE, the health checks,
server-side cursors) is the production settings' own. Importable by lambda_benchmark_driver.py, whose folder
is first on its sys.path: DJANGO_SETTINGS_MODULE=bench_settings.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import DATABASES

DATABASES["default"].update(ENGINE="django.db.backends.postgresql", USER="postgres")
DATABASES["default"]["OPTIONS"]["sslmode"] = "disable"  # the local server has no TLS; RDS requires it

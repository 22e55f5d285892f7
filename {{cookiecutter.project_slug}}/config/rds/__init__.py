"""Django's PostgreSQL backend, logging in with the login RDS keeps in Secrets Manager (see base.py)."""

"""Settings per environment: base (shared), local, test and production."""

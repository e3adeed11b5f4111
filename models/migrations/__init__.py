"""Alembic migrations of the service's schema; run them with models.migrate."""

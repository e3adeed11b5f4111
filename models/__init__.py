"""SQLModel tables and the persistence code (no Flask, no twilio)."""

from models import ops_tables  # noqa: F401  (registers the operators' tables with every use of the models)

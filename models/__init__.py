"""SQLModel tables and the persistence code (no Flask, no twilio)."""

# Registers the operators' and the web console's tables with every use of the models.
from models import ops_tables, web_tables  # noqa: F401

"""SQLModel tables and the persistence code (no Flask, no twilio)."""

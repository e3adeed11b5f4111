"""Adapters between the service and SMS providers."""

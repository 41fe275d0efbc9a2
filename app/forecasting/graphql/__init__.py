"""The sales forecast API."""

"""The service workflow."""

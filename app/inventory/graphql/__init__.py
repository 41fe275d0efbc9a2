"""The inventory API."""

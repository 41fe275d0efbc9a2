"""Backups: one portable archive of the whole database, verified before any restore."""

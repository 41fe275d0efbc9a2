"""Exports in GraphQL: startExport and the EXPORT job's result."""

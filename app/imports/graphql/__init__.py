"""Imports in GraphQL: importData and the IMPORT job's result."""

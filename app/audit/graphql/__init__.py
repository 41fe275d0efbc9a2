"""The audit log in GraphQL."""

"""Identity in GraphQL: viewer, and API keys for admins."""

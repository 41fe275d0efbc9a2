"""Campaigns in the GraphQL API."""

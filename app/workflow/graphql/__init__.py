"""The service workflow in GraphQL: agents, teams, rules, SLAs and tasks."""

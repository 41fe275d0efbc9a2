"""Who is calling: API keys, JWT bearer tokens, roles."""

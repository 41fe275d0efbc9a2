"""GraphQL plumbing shared by every domain: context, IDs, pagination, errors, scalars, limits."""

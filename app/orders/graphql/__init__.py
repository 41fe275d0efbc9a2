"""Orders in GraphQL: types, inputs, loaders, queries and mutations."""

"""Products in GraphQL: types, inputs, loaders, queries and mutations."""

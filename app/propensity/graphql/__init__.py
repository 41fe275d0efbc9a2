"""Propensity in GraphQL: models, a customer's scores, the audience filter, training."""

"""Orders: what customers bought, at which prices, and where each order stands."""

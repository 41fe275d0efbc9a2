"""Webhooks: endpoints, an outbox of deliveries, and the dispatcher that signs and sends them."""

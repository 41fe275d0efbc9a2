"""Bulk import of customers, products, orders and tickets from CSV or JSON Lines."""

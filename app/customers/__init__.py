"""Customers: people and companies the CRM sells to and supports."""

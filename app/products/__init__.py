"""Products: what the CRM's orders are made of."""

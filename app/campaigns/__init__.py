"""Marketing campaigns: A/B and factorial experiments judged on the CRM's own orders."""

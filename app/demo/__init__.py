"""Demo data: a realistic, deterministic CRM for ``crm seed`` and ``make run``."""

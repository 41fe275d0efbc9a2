"""CRM backend: one GraphQL API over MongoDB for customers, products, orders and tickets."""

"""The lowest floor: settings, the database client, the embedded store, money, errors, paging."""

"""Stock: warehouses, levels, cost lots, the move ledger and the fulfilment queue."""

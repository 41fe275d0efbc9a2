"""Sales forecasting: demand per product and in total, with intervals, chosen by backtest."""

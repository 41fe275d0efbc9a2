"""Service reports: ticket metrics by period and group, and the complaint report."""

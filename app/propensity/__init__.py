"""Customer propensity: who will buy again or churn within a horizon, and why."""

"""Reports in GraphQL: serviceMetrics and complaintReport."""

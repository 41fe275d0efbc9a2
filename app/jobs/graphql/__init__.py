"""Jobs in GraphQL: the Job type, queries, cancelJob, the jobProgress subscription."""

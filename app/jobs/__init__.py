"""Long work as jobs: a mutation enqueues, workers claim with a lease, clients follow."""

"""Feedback tagging in GraphQL: taxonomy, tagger versions, agent tags, jobs, feedbackSummary."""

"""Feedback tagging: language, sentiment and topic tags on tickets, learning from agents."""

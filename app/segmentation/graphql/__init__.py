"""Segmentation in GraphQL: runs, a customer's segment, segment filters, startSegmentation."""

"""Segmentation documents: runs and the assignments of customers to their segments."""

from __future__ import annotations

from bson import ObjectId

TYPE_NAME = "SegmentationRun"


def assignment_id(run_id: ObjectId, customer_id: ObjectId) -> str:
    """One assignment per run and customer: the ``_id`` says so, so a write repeated after a
    timeout finds its documents there instead of adding copies."""
    return f"{run_id}:{customer_id}"

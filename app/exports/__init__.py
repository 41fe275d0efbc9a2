"""Bulk exports: an EXPORT job writes a CSV or JSON Lines file to GridFS, served by a signed URL."""

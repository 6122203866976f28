"""Ingest: raw files → sources, normalised text, documents and their provisions."""

"""Publish: write, validate, describe and export the tables."""

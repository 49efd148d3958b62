"""Overlap alerts: finding them with the similarity index, reviewing and deciding them, digests to chairs."""

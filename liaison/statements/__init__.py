"""Liaison statements: drafting, approval, numbering, sending by mail, replies; their pages, API and commands."""

"""Sharing without content: summary cards (what a person shares) and the team view (no Qt)."""

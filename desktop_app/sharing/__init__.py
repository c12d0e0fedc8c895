"""Sharing without content: summary cards and the team view (no Qt)."""

"""Worthwhile: is your AI use worth it? A local-only desktop app."""

__version__ = "0.1.0"

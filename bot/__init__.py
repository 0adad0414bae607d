"""Entry points and platform adapters."""

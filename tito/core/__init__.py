"""Shared helpers for tito commands. Keep imports here cheap: `tito --help` loads this."""

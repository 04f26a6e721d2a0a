"""Widgets of the TUI, one a file, each with its own ``DEFAULT_CSS``."""

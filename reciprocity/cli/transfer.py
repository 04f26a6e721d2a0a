"""``import`` and ``export`` commands (CSV)."""

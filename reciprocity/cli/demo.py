"""``demo`` command: fill a database with a realistic, deterministic demo ledger."""

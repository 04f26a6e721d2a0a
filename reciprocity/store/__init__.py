"""Storage: SQLModel tables, the engine factory and (later) SQL aggregate queries.

This layer knows tables and connections, never rules: validation lives in the ledger.
"""

"""One screen a file; modals return their answer with ``dismiss``."""

"""Analytics tests: an independent oracle and property tests."""

"""Test support shared across the suite's folders."""

"""Radix: one platform for hospital imaging departments and regional groups."""

__version__ = "0.1.0"

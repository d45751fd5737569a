"""Bytes of any report format into the report contract (design.md)."""

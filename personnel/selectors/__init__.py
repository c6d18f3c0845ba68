"""Reads the personnel pages need, one module per topic (register.py: the register pages)."""

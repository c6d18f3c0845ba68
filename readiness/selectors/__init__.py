"""Reads the readiness pages need, one module per topic."""

"""Users, their roles and the sign-in rules (docs/architecture.md: the base)."""

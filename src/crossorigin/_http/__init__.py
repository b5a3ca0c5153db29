"""Private: see docs/api.md for the public names."""

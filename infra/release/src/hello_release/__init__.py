"""Release tool for the hello service."""

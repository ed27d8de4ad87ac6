"""The embedded demo: recorded platform responses replayed through the real pollers, end to end."""

"""CLI command modules (one per area), each exposing register(app)."""

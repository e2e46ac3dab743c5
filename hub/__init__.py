"""See README: architecture."""

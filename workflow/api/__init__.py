"""The REST API under /api/ (SPEC §11): read access for integrations, with the same rules and
selectors as the pages."""

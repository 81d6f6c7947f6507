"""Data protection (DOMAIN.md): consent, retention, access requests."""

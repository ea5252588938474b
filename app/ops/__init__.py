"""Operations: the reconciliation sweep, health and readiness, the admin's ops page."""

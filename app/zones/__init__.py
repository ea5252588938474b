"""Service zones (片区) and the teams that own them: where an order belongs (PostGIS)."""

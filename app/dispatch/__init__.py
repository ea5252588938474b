"""Routing, assignment, the emergency path, SLA watch and day planning."""

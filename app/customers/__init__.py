"""Customers (用户) and meters."""

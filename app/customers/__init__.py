"""Customers (用户) and meters, and the one lookup by account number (户号).

The hotline's caller search, which shows their orders and complaints, is app/desk/callers.py.
"""

"""Demo data: the Haiyang service area, its staff, customers and open orders (`flask demo load`)."""

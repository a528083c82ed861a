"""Delivery: projects, plans and schedules (the project manager's daily tool)."""

"""Delivery's pages, mounted under ``/delivery/`` (tandem/delivery/urls.py)."""

"""The server of bench/http_load.py: zonedesk with one bench-only view, never a product route."""

"""zonedesk: the working platform of a development zone (经开区) administration."""

__version__ = "0.1.0"

"""Hualien Exchange Desk: the bilingual visitor-support bot for Hualien County's exchange work."""

__version__ = "0.1.0"

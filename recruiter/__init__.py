"""Recruiter: international talent-recruitment tracking for universities."""

__version__ = "0.1.0"

"""Fonts: finding faces, their metrics and coverage."""

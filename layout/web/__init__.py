"""The web edition (数字报) and the archive of many editions (layout/web/archive.py)."""

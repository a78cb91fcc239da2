"""`python -m layout` runs the command-line interface."""
from layout.cli import entry

entry()

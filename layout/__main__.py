"""`python -m layout` runs the command-line interface."""
from layout.cli import main

raise SystemExit(main())

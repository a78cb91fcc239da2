"""Page make-up: from stories and a style to positioned page frames."""

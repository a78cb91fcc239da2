"""Backends: they draw what the page frames say and make no layout decision."""

"""Custom actions for the engine, one per module; each is thin and calls plain functions."""

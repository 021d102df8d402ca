"""Foundations shared by the gateway, the action server and the CLI: settings and database."""

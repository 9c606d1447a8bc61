"""One module per command; the registry is tito.main.COMMANDS."""

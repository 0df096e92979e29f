"""Subcommands of the `gapviewer` command line, one module each (see gapviewer.cli)."""

"""Frozen-application entry point: the same `gapviewer` command as the installed package."""

import sys

from gapviewer.cli import main

if __name__ == "__main__":
    sys.exit(main())

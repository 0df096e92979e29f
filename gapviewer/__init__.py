"""gapviewer: see why an image classifier decided what it did."""

__version__ = "0.1.0"

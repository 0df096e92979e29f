"""Qt-free engine of gapviewer: models, layers, methods, explanation, rendering."""

"""python -m gapviewer: the same as the `gapviewer` command."""

import sys

from .cli import main

sys.exit(main())

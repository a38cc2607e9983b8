"""``python -m benchmarks``: every benchmark, one table (see ``benchmarks/runner.py``)."""

import sys

from benchmarks.runner import main

sys.exit(main())

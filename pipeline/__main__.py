"""``python -m pipeline`` is the ``capex`` command."""
import sys

from pipeline.cli import main

sys.exit(main())

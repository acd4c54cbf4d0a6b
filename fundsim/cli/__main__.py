"""``python -m fundsim.cli``: the ``fundsim`` command, as ``python -m fundsim``."""

import sys

from fundsim.cli import main

sys.exit(main())

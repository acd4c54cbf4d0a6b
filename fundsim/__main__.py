"""``python -m fundsim``: the ``fundsim`` command (see :mod:`fundsim.cli`)."""

import sys

from fundsim.cli import main

sys.exit(main())

import sys

from fundsim.cli import main

sys.exit(main())

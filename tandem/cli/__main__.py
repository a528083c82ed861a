"""``python -m tandem.cli``: the same as the ``tandem`` program."""

import sys

from tandem.cli import main

sys.exit(main())

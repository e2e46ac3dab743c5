"""`python -m console` is the `jingbao` command."""

import sys

from console.cli import main

sys.exit(main())

"""`python -m recruiter` is the same as the `recruiter` command."""

import sys

from recruiter.cli import main

sys.exit(main())

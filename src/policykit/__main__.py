"""`python -m policykit`: the same as the `policykit` command."""

import sys

from policykit.cli import main

if __name__ == "__main__":
    sys.exit(main())

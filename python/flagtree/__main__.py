"""`python -m flagtree ...`: the same command line as the `flagtree` script.

See flagtree.cli for the subcommands.
"""

from flagtree.cli import main

main()

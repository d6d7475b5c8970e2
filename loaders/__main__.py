import sys

from peacetalks.cli import main

sys.exit(main())

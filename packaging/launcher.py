"""The bundle's entry script: the same ``main`` as the ``welcome-center`` command.

PyInstaller runs a script, not a package's ``__main__``; this one only hands over.
"""

import sys

from welcome_center.__main__ import main

if __name__ == "__main__":
    sys.exit(main())

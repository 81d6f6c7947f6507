"""Entry point for ``python -m welcome_center`` and the ``welcome-center`` command."""

import sys


def main() -> int:
    from welcome_center.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())

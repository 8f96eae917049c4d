"""``python -m rotacc_lab``: the same command line as ``rotacc-lab``."""

from .cli import main

if __name__ == "__main__":
    main()

"""``python -m gongwen …`` behaves as the ``gongwen`` command."""

from gongwen.cli import main

if __name__ == "__main__":
    main(prog_name="python -m gongwen")

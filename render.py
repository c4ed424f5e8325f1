"""``python render.py LETTER.yaml [options]`` behaves as ``gongwen render``."""

import sys

from gongwen.cli import app

if __name__ == "__main__":
    app(args=["render", *sys.argv[1:]], prog_name="render.py")

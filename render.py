"""``python render.py LETTER.yaml [options]`` behaves as ``gongwen render``."""

from gongwen.cli import main

if __name__ == "__main__":
    main(prog_name="render.py", command="render")

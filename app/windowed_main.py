"""Entry script of the windowed Windows program, Vertrouwd.exe (see build.spec): the program
window, never a console. vertrouwd-cli.exe (app/__main__.py) is the command line."""

from app.main import main_windowed

if __name__ == "__main__":
    raise SystemExit(main_windowed())

"""The staff command line: `python -m staff --help`."""

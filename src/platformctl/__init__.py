"""platformctl: the command-line front door of the internal developer platform."""

__version__ = "0.1.0"

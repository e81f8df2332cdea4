"""kb: a command-line knowledge base for the recaps of the Ateliers du Changement."""

__version__ = "0.1.0"

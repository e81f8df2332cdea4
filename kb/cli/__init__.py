"""The command line: the only part of kb that knows about terminals.

``app`` is the ``kb`` program, a typer app made of one module per group of commands
(``index``, ``search``, ``timeline``, ``add``, ``sharing``): each declares its commands'
options, asks kb.base's KnowledgeBase and prints the answer. ``console`` holds what they
share at the terminal (consoles, colours, the pager, JSON, errors); ``options`` the
options several commands take; ``questions`` ``kb add``'s conversation; ``usage`` lists
click's and typer's messages that kb's catalogue translates.

May import anything in kb but the layers under kb.base (pyproject.toml's contracts);
nothing in kb imports it.
"""

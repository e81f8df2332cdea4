"""The command line: the only part of kb that knows about terminals.

``launch`` is the ``kb`` program (a fast path for the reading commands, typer for the
rest); ``app`` is the typer app (help, options, ``kb add``, ``kb serve``); ``commands``
runs each command with plain arguments; ``render`` is the only module that styles output
(rich) or prints JSON; ``questions`` holds ``kb add``'s prompts and editor.

May import anything in kb; nothing in kb imports it.
"""

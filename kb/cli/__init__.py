"""The command line: the only part of kb that knows about terminals.

``app`` is the ``kb`` program, a typer app (every command, option and help text);
``usage`` lists click's and typer's messages that kb's catalogue translates; ``commands``
runs each command with plain arguments; ``render`` is the only module that styles output
(rich) or prints JSON; ``questions`` holds ``kb add``'s prompts and editor.

May import anything in kb; nothing in kb imports it.
"""

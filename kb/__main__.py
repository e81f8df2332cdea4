from kb.cli.app import run

run()

"""``python -m reciprocity`` runs the command line, in the language the run asks for."""

from reciprocity.console import main

main()

"""``python -m reciprocity`` runs the command line."""

from reciprocity.cli import main

main()

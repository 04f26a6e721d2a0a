"""CSV import and export: exchanges and members by name, and the whole ledger by id.

Groups arrive with years of history in spreadsheets, and organisers want their data out
again. Three formats, described for users in ``docs/csv-formats.md``:

- **exchanges**: one row per give, members and networks by name. ``external_id`` makes a
  re-import add nothing.
- **members**: one row per member with the networks they are in. A re-import updates and
  extends, never duplicates.
- **all**: one file per table with the raw columns and ids. It loads only into an empty
  database and then reproduces every row.
- **BNI Connect's reports** (:mod:`.bni_slips`, :mod:`.bni_palms`, read by
  :mod:`.spreadsheets`): the Slips Audit Report and the PALMS summary as BNI Connect
  exports them (XML Spreadsheet 2003) or re-saved as ``.xlsx`` or ``.csv``; docs/bni.md.

What this module must never do:

- Write part of a file. Every row is checked first, with the same rules as the one-off
  ledger functions (:mod:`reciprocity.ledger.rules`). Every bad row is reported with its
  physical line number, and one bad row means nothing is written.
- Query per row. Names, memberships and known external ids are loaded once, the file is
  streamed, and the rows are written with Core ``executemany`` batches in one transaction,
  so a million-row file takes under a minute, not hours.
"""

from reciprocity.ledger.errors import ImportRejected
from reciprocity.ledger.transfer.exchanges_file import (
    EXCHANGE_COLUMNS,
    ExchangeImport,
    export_exchanges,
    import_exchanges,
)
from reciprocity.ledger.transfer.ledger_files import LedgerTransfer, export_all, import_all
from reciprocity.ledger.transfer.members_file import MemberImport, export_members, import_members

__all__ = [
    "EXCHANGE_COLUMNS",
    "ExchangeImport",
    "ImportRejected",
    "LedgerTransfer",
    "MemberImport",
    "export_all",
    "export_exchanges",
    "export_members",
    "import_all",
    "import_exchanges",
    "import_members",
]

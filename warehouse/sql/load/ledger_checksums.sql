select sha256 from file_ledger where source_name = $source_name

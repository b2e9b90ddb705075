"""Reading traveller data: the EDIFACT lexer, PAXLST, PNRGOV, MRZ, CSV/JSONL, detection, ingest."""

"""The register's storage: create, unlock and close it (vault), back it up and restore it,
delete old cases (retention), judge a new passphrase, keep unsaved input while locked (drafts)."""

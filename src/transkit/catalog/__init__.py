"""Gettext catalogs: the data model, PO I/O and the sync stage."""

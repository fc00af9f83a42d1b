"""DIMSE (pynetdicom): the archive's SCP (C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET), the SCU toward remote
nodes (C-ECHO, C-STORE, C-MOVE) and the send-to-node job.

The calling AE title decides the tenant of an association (a registered, enabled DICOM node); an
instance is acknowledged only after ``store.ingest`` made it durable and committed its index row.
"""

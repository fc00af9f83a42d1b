"""The DICOM archive: DIMSE and DICOMweb in, durable blobs, the patient/study/series/instance index,
DICOMweb and DIMSE out, uploads, shares. Tenant-aware: the calling AE (or the session) decides the
tenant of every instance."""

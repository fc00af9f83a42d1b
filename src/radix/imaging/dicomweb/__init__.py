"""DICOMweb (PS3.18) over the archive: QIDO-RS, WADO-RS and STOW-RS at ``/dicom-web``, WADO-URI at
``/wado``."""

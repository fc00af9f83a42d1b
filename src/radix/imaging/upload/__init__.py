"""本地上传 (manual 4 §4.1.5): ZIP of DICOM files, archived by a job with progress, cancellable."""

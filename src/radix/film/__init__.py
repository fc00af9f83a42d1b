"""Film printing (胶片打印): print tasks, film composition, DICOM print SCU, PDF / PNG export."""

"""Interop tests run the archive's SCP against real peers (dcmtk, Orthanc); they share the DIMSE tests'
fixtures (the in-process SCP, tenants, nodes)."""

from tests.imaging.dimse.conftest import dicom_scp, tenant_factory  # noqa: F401

"""Patient identity (manual 3 §2.3.1): ``resolve`` finds or creates the patient of an arriving dataset;
merges are recorded and reversible. See :mod:`radix.imaging.identity.service`."""

from radix.imaging.identity.service import id_number_of, merge, resolve, unmerge  # noqa: F401

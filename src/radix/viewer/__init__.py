"""The diagnostic viewer's server side (manual 2 §3): each user's annotations per study, each user's
viewer settings, and the series download (zip). The viewer itself is the SPA's ``modules/viewer``."""

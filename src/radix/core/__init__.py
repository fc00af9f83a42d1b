"""Generic mechanisms shared by every domain. Nothing here imports a domain package."""

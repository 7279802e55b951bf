"""wto-assist: find who said what in the WTO record, and draft cited statements from it."""

__version__ = "0.1.0"

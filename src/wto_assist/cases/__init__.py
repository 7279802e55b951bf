"""The coercion case file: a delegation's own record of a measure, linked to the WTO record, shared
with like-minded Members as bundles, and turned into briefs for `draft` (docs/cases.md)."""

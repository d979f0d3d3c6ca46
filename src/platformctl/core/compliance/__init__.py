"""Local golden-path compliance: facts about a checkout, registered check types, scorecards
loaded from YAML, scoring, waivers, baselines and fixes.  Pure library code: results are
dataclasses, nothing here prints."""

"""The fact stage's parts: cue lexicon (cues), per-amount readings (reading), merging (merge)."""

"""The site generator: load → model → link → render → write.

`build.py` at the top of the repository reads the pipeline top to bottom;
each stage is one module here with plain functions.
"""

"""Benchmark regions (对标地区) for the relatedness analysis (issue 6 §6): output by GB/T 4754 manufacturing division
of regions outside the city, from statistical yearbooks.

`table` reads a yearbook table (what is accepted, every problem in Chinese), `importer` imports it into
`BenchmarkFigure` (the city administrators' importer and its template), and `matrix` reads the stored figures and
stacks them under the counties' own matrix for the relatedness page.
"""

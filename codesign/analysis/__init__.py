"""The read model and what is computed from it: tables, results, review, comparison, themes.

`tables` and `rows` build the rows every analysis and every export reads (with
de-identification applied once, there); `exports` sits above this folder and only
formats what it is given.
"""

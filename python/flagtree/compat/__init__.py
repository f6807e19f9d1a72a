"""flagtree's compatibility extensions to Triton 3.9's language: block pointers, old API names.

Each module has an `install(tl)` that `flagtree.triton_hooks` applies to `triton.language`.
"""

"""The cpu backend: Triton kernels compiled through flagtree's shared passes to native code.

Registered with Triton's backend discovery (entry point group `triton.backends`, name `cpu`).
"""

"""flagtree's built-in backends, installed as `flagtree.backends` (cpu, ...).

Each backend follows Triton's split: `compiler.py` (a BaseBackend) and `driver.py` (a DriverBase).
"""

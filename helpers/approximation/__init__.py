"""Chapter 2, approximation with ReLU networks: one module per notebook of
``chapters/02_approximation`` (``01_xor.ipynb`` -> :mod:`helpers.approximation.xor`)."""

"""Chapter 1, linear networks: one module per notebook of ``chapters/01_linear_networks``, and the shared end-to-end matrix and training."""

"""Chapter 3, backpropagation: one module per notebook of ``chapters/03_backprop``."""

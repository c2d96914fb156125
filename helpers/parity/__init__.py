"""Chapter 4, parity: the setting, and one module per notebook of ``chapters/04_parity``."""

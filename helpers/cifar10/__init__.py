"""Chapter 5, CIFAR-10: one module per notebook of ``chapters/05_cifar10``."""

"""Full-scale training recipes: run from a clone of the book, not installed with ``helpers``.

``python -m recipes.cifar_train`` trains a ResNet on CIFAR-10 on a GPU (mixed precision,
channels-last, augmentation on the device); see ``chapters/05_cifar10``. This package is
not listed in ``pyproject.toml``: Colab installs only ``helpers``, so the models, the
augmentation and the schedules here (which the chapter's exercises ask students to
write) are not importable where students work.
"""

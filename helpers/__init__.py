"""Helpers for the interactive deep-learning homework book: the map.

What a student should not have to write to learn the lesson: sliders, progress bars,
checks, plotting, data, argument checks, fast trainers, and models a chapter is not about.
No module computes an exercise's answer. Import what a notebook needs, e.g.
``from helpers.sliders import slider_figure``; nothing heavy is imported here.

The book's shared machinery (top level):

- ``sliders``      every interactive figure (:func:`helpers.sliders.slider_figure`): live
                   widget, frames drawn ahead in the background, the website's static version
- ``progress``     progress bars for long loops; whether the book is built for the website
- ``checks``       what check cells call: ``exercise`` frames, comparisons, fingerprints,
                   source constraints, gradients
- ``plotting``     one style: colours, titles, labels, legends, fast log axes
- ``data``         CIFAR-10 (download or the offline copy), always saying which
- ``validation``   argument checks: errors that name the argument and what was expected
- ``runs``         what every trainer records (``History``), stored as JSON, drawn as
                   learning curves

The chapters: a package per chapter folder, a module per notebook, named after it
(``chapters/NN_<chapter>/MM_<topic>.ipynb`` -> ``helpers/<chapter>/<topic>.py``), plus
modules several notebooks of a chapter share, named for their concept:

- ``00_start/how_this_book_works``                 shared machinery only
- ``01_linear_networks``  -> ``linear_networks``
    ``01_capacity``          capacity (+ shared ``end_to_end``, ``training``)
    ``02_loss_landscape``    loss_landscape (+ ``end_to_end``, ``training``)
    ``03_relu_vs_linear``    relu_vs_linear
- ``02_approximation``    -> ``approximation``
    ``01_xor``               xor
    ``02_kinks``             kinks (+ shared ``relu_net``: networks given by their weights)
    ``03_linear_regions``    linear_regions (+ ``relu_net``)
    ``04_universal_approximation``  shared ``relu_net`` only
    ``05_kernels_activations``      kernels_activations
- ``03_backprop``         -> ``backprop``
    ``01_gradient_table``    gradient_table
    ``02_residual_layer``    shared machinery only
    ``03_mlp_from_scratch``  mlp_from_scratch (+ top-level ``data``, ``runs``)
    ``04_why_cross_entropy`` why_cross_entropy
- ``04_parity``           -> ``parity`` (shared ``network``: inputs, masks, labels, the net)
    ``01_capacity``          capacity
    ``02_training``          training (the fast trainer)
    ``03_gradients``         gradients
    ``04_deep_sigmoid``      deep_sigmoid (+ ``training``)
- ``05_cifar10``          -> ``cifar10`` (shared ``small_cnn`` and ``training`` for the CPU
                             experiments; top-level ``data`` and ``runs``)
    ``01_linear_views``      linear_views
    ``02_residual_networks`` residual_networks
    ``03_augmentation``      augmentation (+ ``small_cnn``, ``training``)
    ``04_learning_rate_schedules``  learning_rate_schedules, gpu_run (the stored GPU
                             measurement, in ``cifar10/data``) (+ ``small_cnn``, ``training``)

The CIFAR-10 GPU recipe is not here but in ``recipes/`` (run from a clone): it holds the
answers to chapter 5's exercises.
"""

__version__ = "0.1.0"

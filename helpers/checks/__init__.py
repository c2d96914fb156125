"""What the check cells call: compare a student's answer with stored values or properties.

An exercise's check cell wraps its checks in :class:`exercise`::

    with exercise("Exercise 2: an AND-like network", points=2):
        check_array("and_net(x)", and_net(x), [0.0, 0.5, 0.0])

Every check prints a short confirmation when the answer is right and raises an
``AssertionError`` that says what was expected, what came, and where the first
difference is when it is wrong; :class:`exercise` adds the exercise's title and turns
"not written yet" (a ``NameError`` or ``NotImplementedError``) into a plain sentence.
Checks never compute the answer: they compare with values stored in the check cell,
with a :func:`fingerprint` where the value itself is the answer, or with properties
(:func:`check_source` enforces what an exercise forbids, such as loops;
:func:`check_by_hand` keeps automatic differentiation out of a gradient written by hand). Arguments the
notebook itself gets wrong (a negative tolerance, say) raise ``ValueError`` or
``TypeError`` instead.
"""

from .by_hand import AUTODIFF, AUTODIFF_NAMES, check_by_hand
from .compare import (check_array, check_gradient, check_scalar, check_shape, check_true,
                      numerical_gradient, passed, relative_error)
from .fingerprint import check_fingerprint, fingerprint
from .frame import ExerciseNotDone, exercise
from .source import check_source

__all__ = ["AUTODIFF", "AUTODIFF_NAMES", "ExerciseNotDone", "check_array", "check_by_hand",
           "check_fingerprint", "check_gradient", "check_scalar", "check_shape", "check_source",
           "check_true", "exercise", "fingerprint", "numerical_gradient", "passed", "relative_error"]

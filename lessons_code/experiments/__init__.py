"""Experiments: numpy networks trained on scikit-learn's bundled digits, and small least-squares fits.

* :mod:`.digits` -- the data: a stratified seeded split, pixel permutations, shifts;
* :mod:`.nets` -- the MLP, the CNN and the 1x1-conv MLP built from the lesson's own layers, Adam;
* :mod:`.runs` -- the experiments chapter's runs, tables and gradient-spread measurements;
* :mod:`.linear_students` -- teacher/student least-squares fits behind the parameters chapter.

This package trains and measures; it never draws (the figures are in :mod:`lessons_code.pictures`).
"""

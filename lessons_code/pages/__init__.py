"""Helpers that exist for one page each; they may import any part of the package.

* :mod:`~lessons_code.pages.explorer` -- the backward-pass explorer's Python twin: every highlight
  read off the Jacobian (the browser tests compare ``book/_static/explorer.js`` with it);
* :mod:`~lessons_code.pages.exercises` -- the exercises' settings and graders (``grade_*``: a
  learner's answer of any kind prints PASS or FAIL, never raises);
* :mod:`~lessons_code.pages.takeaways` -- the key-takeaways rows, every number recomputed.
"""

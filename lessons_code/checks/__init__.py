"""What the build asserts: every claim a page states, checked so that it can be seen to fail.

* :mod:`~lessons_code.checks.verdict` -- the one verdict type (:class:`~.verdict.Verdict`: an error
  against its bound) and :class:`~.verdict.ClaimError`, raised by every ``check_*`` function;
* :mod:`~lessons_code.checks.tolerances` -- the named bounds, in one place;
* :mod:`~lessons_code.checks.claims` -- the claims of the lesson pages (``check_*``);
* :mod:`~lessons_code.checks.training_claims` -- the claims about training, given results as data;
* :mod:`~lessons_code.checks.layer_rules` -- every rule of the real-layer chapter compared three
  ways (loop, matrix, finite differences);
* :mod:`~lessons_code.checks.gradients` -- the gradients chapter's finite-difference report;
* :mod:`~lessons_code.checks.stats` -- Student-t intervals over seeds.

A ``check_*`` function asserts one claim: it returns the measured numbers when the claim holds and
raises :class:`~.verdict.ClaimError` when it does not. This part imports the numpy lesson (the
package's top level) and itself, never ``experiments``, ``pictures`` or ``pages``.
"""

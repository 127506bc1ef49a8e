"""lessons_code: the computation behind the book *FC vs convolution layers*.

Four parts, and the folders show them:

* **The numpy lesson** (this folder; numpy and the standard library only): the layers ``fc``,
  ``conv``, ``conv_layer`` (im2col beside the loops), ``conv1d``, ``locally_connected`` (the
  conv layer's windows without its sharing), ``pooling``; the seed's
  ``fc_vs_conv``; ``backward_rules`` (the gradients as convolutions, the transposed convolution);
  ``matrix_view`` (a convolution as a sparse, tied matrix); ``geometry`` (receptive fields, shifts,
  coverage); ``gradient_flow`` (the backward pass one unit at a time); ``param_counts``; ``layer_costs``
  (multiply-adds, im2col sizes, fan-in); ``upsampling`` (the checkerboard's overlap counts); ``tables``;
  ``gradcheck`` (``numerical_gradient``, ``rel_error``).
* **checks/** -- what the build asserts: the pages' claims, the training claims, the layer rules
  compared three ways, the gradient report, Student-t intervals; one verdict type and the named
  tolerances. A ``check_*`` function asserts one claim: it returns the measured numbers or raises
  ``ClaimError``.
* **experiments/** -- trains, never draws: the digits, the numpy MLP/CNN, the runs, the
  least-squares students.
* **pictures/** -- draws from data, never trains: figures, animations, the player.
* **pages/** -- helpers for one page each: the explorer's Python twin, the exercises' graders,
  the key takeaways.

Imports go one way (``tests/test_layout.py``): the lesson imports nothing else of the package;
``checks`` the lesson; ``experiments`` the lesson and ``checks``; ``pictures`` the lesson;
``pages`` any part. Inside the package a function validated once calls the others' unchecked
cores (``*_unchecked``), never another module's ``_private`` names; validators are ``require_*``
(in ``_checks``), graders ``grade_*``.

**Input policy** (every public function; the helpers are in ``lessons_code._checks``)

A public function returns the right value or raises, from inside ``lessons_code``, a
``TypeError`` (wrong kind of value) or a ``ValueError`` (right kind, wrong shape, range or size)
whose message names the argument, what was expected and what was given.

* *Arrays*: numpy arrays and anything ``np.asarray`` makes a rectangular array of (lists, tuples,
  scalars where a 0-D value is meant). Integer and float16/32/64 dtypes are accepted and
  **computed in float64**: every array argument is converted to a new float64 array, so results
  are float64 (``np.intp`` for counts and indices) and no function keeps a reference to the
  caller's data -- e.g. the cache of ``conv_layer.conv_forward`` holds copies, and changing ``x``
  or ``w`` after the forward pass does not change the gradients. Integers must have magnitude
  ``<= 2**53`` (exact in float64). Refused with ``TypeError``: ``None``, booleans, strings,
  objects, complex numbers, ``np.longdouble``, ragged nested lists, and masked arrays with masked
  entries (the mask would be ignored; a masked array with nothing masked is its data).
* *NaN and inf* are refused with ``ValueError`` ("x must hold finite numbers") by every function
  and its loop twin alike; a teaching package gains nothing from a silent NaN. The exceptions
  say so: the exercises' self-checks accept any answer (a NaN answer is a FAIL, not an error).
* *Empty arrays* (an axis of length 0) are refused with ``ValueError``: no batch of 0 images, no
  0-channel layer, no empty kernel. Sizes given as ints must be ``>= 1`` (paddings and shifts
  may be 0).
* *Numbers*: sizes, strides, seeds, counts are Python or numpy ints (``bool`` and ``5.0`` are
  refused); real parameters (``h``, ``lr``, ``noise``, ``fps``) are finite ints or floats; seeds are
  ints ``>= 0`` (or tuples of them) and go to ``np.random.default_rng`` only after the check.
* *Size guard*: a function that would allocate in proportion to a product of sizes (the conv
  matrix, the gradient-flow frames, im2col, the coverage count...) estimates the bytes first and
  refuses above ``_checks.MAX_BYTES`` = 512 MiB with ``ValueError`` giving the estimate, e.g.
  ``conv_matrix`` on a 224x224 image (55 GiB) or ``gradient_flow_frames`` at 20x20 (685 MiB).
* *Self-checks* (:mod:`~lessons_code.pages.exercises`): a learner's answer of any kind (wrong value,
  shape, type, NaN, None) prints ``FAIL`` with the expected value and returns ``False``; a wrong
  *exercise setting* (the data the exercise gives) is a ``ValueError``/``TypeError`` as above.
* *The GIF command* reports bad arguments through argparse (usage line, message, exit status 2).

``tests/test_input_policy.py`` feeds every public function each kind of bad input
(``tests/input_cases.py``; ``python tests/input_table.py`` prints the table).
"""

__version__ = "0.1.0"

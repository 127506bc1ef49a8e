"""lessons_code: the computation behind the book *FC vs convolution layers*.

The package has three parts, and the folders show them:

**The numpy lesson** (this folder: numpy only, what a learner opens first)

* :mod:`~lessons_code.fc` -- the fully connected layer, forward and backward;
* :mod:`~lessons_code.conv` -- single-channel 2-D convolution, forward and backward, with loop twins;
* :mod:`~lessons_code.conv_layer` -- the batched layer (channels, stride, padding, dilation):
  im2col beside the plain loops;
* :mod:`~lessons_code.fc_vs_conv` -- the seed lesson's API (``fc_backward``, ``conv_weight_grad``);
* :mod:`~lessons_code.gradcheck` -- centred finite differences and relative errors;
* :mod:`~lessons_code.geometry` -- receptive fields, translation equivariance, coverage counts;
* :mod:`~lessons_code.gradient_flow` -- the backward pass one output unit at a time (animation data);
* :mod:`~lessons_code.matrix_view` -- a convolution as a sparse, tied matrix;
* :mod:`~lessons_code.backward_map` -- every highlight of the page's backward-pass explorer, read
  off the Jacobian (the browser tests compare the explorer's JavaScript with it);
* :mod:`~lessons_code.backward_rules` -- the layer's gradients written as convolutions (dilate dy,
  full convolution, crop), the transposed convolution, the im2col rules;
* :mod:`~lessons_code.conv1d` -- the 1-D layer, with loop twins;
* :mod:`~lessons_code.pooling` -- ReLU and 2x2 max-pool, forward and backward;
* :mod:`~lessons_code.receptive` -- receptive fields across stacked layers, from the backward pass;
* :mod:`~lessons_code.layer_checks` -- every rule of the real-layer chapter checked three ways
  (loop, matrix, finite differences);
* :mod:`~lessons_code.param_counts` -- parameter counts of FC and conv layers;
* :mod:`~lessons_code.tables` -- Markdown tables and numbers for prose;
* page helpers that combine the lesson with the experiments: :mod:`~lessons_code.exercises`
  (self-checks a learner runs on their answers) and :mod:`~lessons_code.takeaways` (the
  key-takeaways rows, every number recomputed).

**Experiments** (:mod:`lessons_code.experiments`: trains, never draws) -- the digits data, the
numpy MLP/CNN, the training runs, and the least-squares students of the parameters chapter.

**Pictures** (:mod:`lessons_code.pictures`: matplotlib, draws from data, never trains) -- the
palette, drawing helpers, figures, experiment figures, the real-layer chapter's figures, animations
(and their GIF command) and the HTML player.

The core imports numpy and itself only; ``experiments`` imports the core; ``pictures`` imports
the core (never ``experiments``); nothing imports in a cycle (``tests/test_layout.py``).

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
* *Self-checks* (:mod:`~lessons_code.exercises`): a learner's answer of any kind (wrong value,
  shape, type, NaN, None) prints ``FAIL`` with the expected value and returns ``False``; a wrong
  *exercise setting* (the data the exercise gives) is a ``ValueError``/``TypeError`` as above.
* *The GIF command* reports bad arguments through argparse (usage line, message, exit status 2).

``tests/test_input_policy.py`` feeds every public function each kind of bad input
(``tests/input_cases.py``; ``python tools/input_table.py`` prints the table).
"""

__version__ = "0.1.0"

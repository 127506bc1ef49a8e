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
"""

__version__ = "0.1.0"

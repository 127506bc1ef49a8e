"""lessons_code: the computation behind the book *FC vs convolution layers*.

One module per concept:

* :mod:`~lessons_code.fc` -- the fully connected layer, forward and backward;
* :mod:`~lessons_code.conv` -- single-channel 2-D convolution, forward and backward, with loop twins;
* :mod:`~lessons_code.conv_layer` -- the batched layer with stride, padding and dilation;
* :mod:`~lessons_code.fc_vs_conv` -- the seed lesson's API (``fc_backward``, ``conv_weight_grad``);
* :mod:`~lessons_code.gradcheck` -- centred finite differences and relative errors;
* :mod:`~lessons_code.geometry` -- receptive fields and translation equivariance;
* :mod:`~lessons_code.matrix_view` -- a convolution as a sparse, tied matrix;
* :mod:`~lessons_code.params` -- parameter counts;
* :mod:`~lessons_code.figures`, :mod:`~lessons_code.palette`, :mod:`~lessons_code.tables` --
  what the pages show.
"""

__version__ = "0.1.0"

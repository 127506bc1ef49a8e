"""The bounds the build asserts, named once and imported wherever a check needs one."""

#: Centred differences in float64 with h = 1e-6 agree with a correct gradient below this
#: relative error (about 1e-10 is typical).
REL_ERROR_BOUND = 1e-7

#: A wrong gradient formula (a flipped kernel, a missing crop) gives a relative error of order 1;
#: this is the line the book draws between "wrong" and "rounding".
WRONG_FORMULA_ERROR = 1e-2

#: Two exact computations of one quantity (a loop and a matrix product) agree to this relative error.
EXACT_BOUND = 1e-10

#: Sums of the same float64 products in another order agree to this (absolute, or relative to the
#: largest entry where a check says so).
ROUNDING_BOUND = 1e-12

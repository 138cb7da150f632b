// Nonlinear least squares (Levenberg–Marquardt) over expressions: needs Eigen 3.4, link ctdiff::least_squares.
#pragma once

#include <ctdiff/fit/least_squares.hpp>

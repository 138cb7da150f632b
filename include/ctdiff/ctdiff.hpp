// ctdiff: compile-time symbolic differentiation. This header only includes the others.
#pragma once

#include <ctdiff/arithmetic.hpp>
#include <ctdiff/bindings.hpp>
#include <ctdiff/check.hpp>
#include <ctdiff/csv.hpp>
#include <ctdiff/derivative.hpp>
#include <ctdiff/evaluate.hpp>
#include <ctdiff/expression.hpp>
#include <ctdiff/fixed_string.hpp>
#include <ctdiff/functions.hpp>
#include <ctdiff/gradient.hpp>
#include <ctdiff/print.hpp>
#include <ctdiff/random.hpp>
#include <ctdiff/schedule.hpp>
#include <ctdiff/simplify.hpp>
#include <ctdiff/tensor.hpp>
#include <ctdiff/train.hpp>

// Curve fitting needs Eigen: included where the ctdiff::least_squares
// component put Eigen on the include path, and left out (cheap) elsewhere.
#if __has_include(<Eigen/Core>)
#include <ctdiff/least_squares.hpp>
#endif

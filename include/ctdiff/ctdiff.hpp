// ctdiff: compile-time symbolic differentiation. The symbolic core, the
// engine, input and output, tensors and training; the components that need
// more than the standard library and Boost.Hana (least_squares.hpp,
// newton.hpp, batch.hpp: Eigen; mpi.hpp: MPI) are included by their own
// headers only, so this header means the same whatever is on the include path.
// The layers' headers are named one by one, not through their umbrellas, so
// that a compile error's include chain stays short.
#pragma once

#include <ctdiff/core/arithmetic.hpp>
#include <ctdiff/core/bindings.hpp>
#include <ctdiff/core/conditions.hpp>
#include <ctdiff/core/derivative.hpp>
#include <ctdiff/core/expression.hpp>
#include <ctdiff/core/families.hpp>
#include <ctdiff/core/fixed_string.hpp>
#include <ctdiff/core/functions.hpp>
#include <ctdiff/core/simplify.hpp>
#include <ctdiff/core/user_functions.hpp>
#include <ctdiff/engine/check.hpp>
#include <ctdiff/engine/evaluate.hpp>
#include <ctdiff/engine/gradient.hpp>
#include <ctdiff/engine/schedule.hpp>
#include <ctdiff/io/csv.hpp>
#include <ctdiff/io/print.hpp>
#include <ctdiff/tensor.hpp>
#include <ctdiff/train.hpp>

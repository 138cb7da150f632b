// ctdiff: compile-time symbolic differentiation. The symbolic core, the
// engine, input and output, tensors and training; the components that need
// more than the standard library and Boost.Hana (least_squares.hpp,
// newton.hpp, batch.hpp: Eigen; mpi.hpp: MPI) are included by their own
// headers only, so this header means the same whatever is on the include path.
#pragma once

#include <ctdiff/engine.hpp>
#include <ctdiff/io.hpp>
#include <ctdiff/tensor.hpp>
#include <ctdiff/train.hpp>

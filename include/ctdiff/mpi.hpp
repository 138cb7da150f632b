// Data-parallel training over Boost.MPI: link ctdiff::mpi.
#pragma once

#include <ctdiff/fit/mpi.hpp>

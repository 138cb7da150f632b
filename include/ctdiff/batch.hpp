// Batches of samples as matrix products (Eigen GEMM) and their fit: needs Eigen 3.4, link ctdiff::batch.
#pragma once

#include <ctdiff/batch/batch.hpp>

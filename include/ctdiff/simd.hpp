// Packs of samples: evaluate a model and its gradient on several samples per
// instruction (simd/pack.hpp), and simd::fit, which sums its batches that way
// (fit/packed.hpp). Needs xsimd 8: link ctdiff::simd.
#pragma once

#include <ctdiff/fit/packed.hpp>
#include <ctdiff/simd/pack.hpp>

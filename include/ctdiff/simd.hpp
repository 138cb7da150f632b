// Packs of samples (simd/pack.hpp): evaluate a model and its gradient on
// several samples per instruction. Needs xsimd 8: link ctdiff::simd.
#pragma once

#include <ctdiff/simd/pack.hpp>

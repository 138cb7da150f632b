// f(0), ..., f(N - 1), each index a constant after inlining: the per-sample
// sums of a fit (fit/fit.hpp, fit/packed.hpp) and the arguments a pack's
// function evaluates together (simd/pack.hpp).
#pragma once

#include <cstddef>
#include <utility>

namespace ctdiff::detail {

// With the indices constant the compiler can hold a small model's per-sample
// sums in registers, where a loop over the index leaves them in an array
// stored at every sample (and g++ packs two of them into one vector register,
// unpacked at every sample); and each statement of a function of several
// packs runs for all of them before the next.
template <std::size_t N, class F>
void for_each_unrolled(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    // A braced list, not a fold: clang++ stops at 256 operands in a fold.
    [[maybe_unused]] const int in_order[] = {0, (f(I), 0)...};
  }
  (std::make_index_sequence<N>{});
}

}  // namespace ctdiff::detail

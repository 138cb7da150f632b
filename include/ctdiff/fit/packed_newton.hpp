// fit_newton with packs of samples: simd::fit_newton sums its gradients and
// Hessians over a batch in order a pack of consecutive samples at a time
// (fit/packed.hpp), the samples left over one at a time. Needs xsimd and
// Eigen: link ctdiff::simd and ctdiff::newton.
#pragma once

#include <ctdiff/fit/newton.hpp>
#include <ctdiff/fit/packed.hpp>

namespace ctdiff::simd {

// fit_newton (fit/newton.hpp) with its sums over samples a pack at a time.
template <Expression Loss, class ParameterBindings, class... Columns>
auto fit_newton(const Loss& loss, const parameter_list<ParameterBindings>& parameters,
                const dataset<Columns...>& samples, const options& o = {}) {
  return detail::fit_newton_with<detail::packed_fit_problem>(loss, parameters, samples, o);
}

}  // namespace ctdiff::simd

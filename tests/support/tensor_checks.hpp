// Shared by the tensor tests: the tensor gradient against central finite
// differences, element by element, at parameters stored flat in wrt order.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>
#include <span>
#include <vector>

#include "close_to.hpp"

namespace tensor_checks {

// Every symbol of the loss is in w, bound to its slice of `flat`; the finite
// differences perturb `flat` in place, which the bindings see.
template <class E, class W>
void require_gradient_matches_finite_differences(const E& loss, W w, std::vector<double> flat) {
  REQUIRE(flat.size() == ctdiff::flat_size(w));
  const auto b = ctdiff::tensors_in(w, std::span<double>(flat)).bindings();
  const auto g = ctdiff::eval(ctdiff::gradient(loss, w), b);
  REQUIRE(g.value == ctdiff_test::close_to(ctdiff::eval(loss, b), 1e-12));
  for (std::size_t k = 0; k != flat.size(); ++k) {
    const double saved = flat[k];
    const double step = 1e-6 * std::max(1.0, std::abs(saved));
    flat[k] = saved + step;
    const double above = ctdiff::eval(loss, b);
    flat[k] = saved - step;
    const double below = ctdiff::eval(loss, b);
    flat[k] = saved;
    INFO("element " << k << " of the flat gradient");
    REQUIRE(g.flat[k] == ctdiff_test::close_to((above - below) / (2 * step), 1e-5, 1e-6));
  }
}

// Random points for a flat parameter array of n values, from Catch2's generators.
inline auto random_points(std::size_t n, double low = -1.0, double high = 1.0) {
  return Catch::Generators::take(4, Catch::Generators::chunk(n, Catch::Generators::random(low, high)));
}

}  // namespace tensor_checks

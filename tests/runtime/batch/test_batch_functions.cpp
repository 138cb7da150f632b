// The batch path's elementwise functions (exp, log and sigmoid over a whole
// batch at once, through Eigen's packet math; tanh) against the per-sample path,
// which calls the standard library's, in ulps over each function's domain,
// float and double.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <ctdiff/batch.hpp>
#include <span>
#include <vector>

#include "ulps.hpp"

namespace {

constexpr std::size_t width = 8;
constexpr auto v = ctdiff::vector<"v", width>;

// The largest distance between e over one batch of points spread evenly on
// [low, high], `width` a sample, and e sample by sample.
template <class T, class E>
std::int64_t largest_ulp_difference(const E& e, T low, T high, std::size_t samples = 2500) {
  std::vector<T> points(width * samples);
  for (std::size_t i = 0; i != points.size(); ++i)
    points[i] = low + (high - low) * static_cast<T>(i) / static_cast<T>(points.size());
  auto workspace = ctdiff::make_batch_workspace<T>(e, ctdiff::per_sample(v), samples);
  const auto batch = ctdiff::eval_samples(e, ctdiff::at(ctdiff::samples(v, std::span<const T>(points))), workspace);
  REQUIRE(batch.size() == points.size());
  std::int64_t largest = 0;
  for (std::size_t n = 0; n != samples; ++n) {
    const auto one = ctdiff::eval(e, ctdiff::at(v = std::span<const T, width>(points.data() + width * n, width)));
    for (std::size_t k = 0; k != width; ++k)
      largest = std::max(largest, ctdiff_test::ulps_apart(batch[width * n + k], T(one[k])));
  }
  return largest;
}

}  // namespace

TEMPLATE_TEST_CASE("the batch path's vectorised functions are within 2 ulp of the per-sample path's", "", float,
                   double) {
  using T = TestType;
  const T largest_exponent = sizeof(T) == 8 ? T(700) : T(85);
  CHECK(largest_ulp_difference(ctdiff::exp(v), -largest_exponent, largest_exponent) <= 2);
  CHECK(largest_ulp_difference(ctdiff::exp(v), T(-1), T(1)) <= 2);
  CHECK(largest_ulp_difference(ctdiff::tanh(v), T(-20), T(20)) <= 2);
  CHECK(largest_ulp_difference(ctdiff::log(v), T(1e-30), T(1e6)) <= 2);
  CHECK(largest_ulp_difference(ctdiff::log(v), T(0.5), T(2)) <= 2);
  // A formula of three operations on exp, as for packs (tests/runtime/simd/test_packs.cpp).
  CHECK(largest_ulp_difference(ctdiff::sigmoid(v), T(-30), T(30)) <= 4);
}

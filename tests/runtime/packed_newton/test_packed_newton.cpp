// simd::fit_newton (<ctdiff/fit/packed_newton.hpp>): Newton's method with its
// gradient and Hessian sums a pack of samples at a time, against fit_newton.
#include <catch2/catch.hpp>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/fit/packed_newton.hpp>
#include <vector>

#include "close_to.hpp"
#include "decay_data.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;

constexpr auto a = var<"a">;
constexpr auto b = var<"b">;
constexpr auto c = var<"c">;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

TEST_CASE("simd::fit_newton takes fit_newton's steps to rounding, with the same bits on any thread count") {
  const ctdiff_test::decay_data d;
  constexpr auto loss = 0.5 * pow<2>(a * exp(-b * x) + c - y);
  const options o{.max_epochs = 30, .threads = 1, .split = splitting::always, .gradient_tolerance = 1e-12};
  const auto expected = fit_newton(loss, params(a = 1.0, b = 1.0, c = 0.0), data(x = d.xs, y = d.ys), o);
  const auto one = simd::fit_newton(loss, params(a = 1.0, b = 1.0, c = 0.0), data(x = d.xs, y = d.ys), o);
  auto two_threads = o;
  two_threads.threads = 2;
  const auto two = simd::fit_newton(loss, params(a = 1.0, b = 1.0, c = 0.0), data(x = d.xs, y = d.ys), two_threads);
  // The same steps: every epoch's loss agrees, so every Hessian did (a Hessian
  // summed wrongly, or without the samples left over, changes the steps).
  REQUIRE(expected.stop == stop_reason::gradient_tolerance);
  REQUIRE(one.epochs == expected.epochs);
  REQUIRE(one.loss_per_epoch.size() == expected.loss_per_epoch.size());
  for (std::size_t epoch = 0; epoch != one.loss_per_epoch.size(); ++epoch) {
    INFO("epoch " << epoch);
    CHECK(one.loss_per_epoch[epoch] == close_to(expected.loss_per_epoch[epoch], 1e-12));
  }
  CHECK(one[a] == close_to(expected[a], 1e-12));
  CHECK(one[b] == close_to(expected[b], 1e-12));
  CHECK(one[c] == close_to(expected[c], 1e-12));
  CHECK(one.smallest_hessian_eigenvalue == close_to(expected.smallest_hessian_eigenvalue, 1e-10));
  CHECK(one.largest_hessian_eigenvalue == close_to(expected.largest_hessian_eigenvalue, 1e-10));
  CHECK(one.hessian_positive_definite());
  CHECK(two.loss_per_epoch == one.loss_per_epoch);
  CHECK(two[a] == one[a]);
  CHECK(two[b] == one[b]);
  CHECK(two[c] == one[c]);
}

}  // namespace

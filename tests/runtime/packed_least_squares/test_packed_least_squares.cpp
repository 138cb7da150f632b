// simd::least_squares (<ctdiff/fit/packed_least_squares.hpp>): the residuals
// and Jacobian rows a pack of samples at a time, against least_squares.
#include <catch2/catch.hpp>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/fit/packed_least_squares.hpp>

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

// The same solve to rounding: the residuals at the start and the cost at
// the end to 1e-13 and 1e-12, the parameters and their standard errors (the
// Jacobian's at the solution: a row stored in the wrong place, or a sample
// left out, changes them) to 1e-8: the cost is flat at its minimum, so a
// last-bit difference in it moves where the solver stops by about the square
// root of that. Not the number of iterations: the lanes' exp rounds
// differently from glibc's in the last bit, enough to meet a stopping
// tolerance an iteration sooner or later.
template <class Result>
void check_same_solve(const Result& packed, const Result& expected) {
  REQUIRE(expected.stop != stop_reason::non_finite_loss);
  REQUIRE(expected.stop != stop_reason::max_epochs);
  CHECK(packed.stop != stop_reason::non_finite_loss);
  CHECK(packed.stop != stop_reason::max_epochs);
  CHECK(packed.loss_per_epoch.front() == close_to(expected.loss_per_epoch.front(), 1e-13));
  CHECK(packed.loss_per_epoch.back() == close_to(expected.loss_per_epoch.back(), 1e-12));
  const auto check_parameter = [&](auto symbol) {
    INFO(to_string(symbol));
    CHECK(packed[symbol] == close_to(expected[symbol], 1e-8));
    CHECK(packed.standard_errors[symbol] == close_to(expected.standard_errors[symbol], 1e-8));
  };
  check_parameter(a);
  check_parameter(b);
  check_parameter(c);
}

TEST_CASE("simd::least_squares solves as least_squares does, to rounding") {
  const ctdiff_test::decay_data d;
  const auto residual = a * exp(-b * x) + c - y;
  const auto expected = least_squares(residual, params(a = 1.0, b = 1.0, c = 0.0), data(x = d.xs, y = d.ys));
  const auto packed = simd::least_squares(residual, params(a = 1.0, b = 1.0, c = 0.0), data(x = d.xs, y = d.ys));
  check_same_solve(packed, expected);
  CHECK(packed[b] == close_to(1.3, 1e-2));
}

TEST_CASE("simd::least_squares puts each of several residuals a sample in its own rows") {
  const ctdiff_test::decay_data d;
  // The second residual pulls toward another curve, so a residual's rows
  // given to the other, or to another sample, would move the solution.
  const auto list = residuals(a * exp(-b * x) + c - y, 0.1 * (a * exp(-b * x) - 2.4 * exp(-1.2 * x)));
  const auto expected = least_squares(list, params(a = 1.0, b = 1.0, c = 0.0), data(x = d.xs, y = d.ys));
  const auto packed = simd::least_squares(list, params(a = 1.0, b = 1.0, c = 0.0), data(x = d.xs, y = d.ys));
  check_same_solve(packed, expected);
}

}  // namespace

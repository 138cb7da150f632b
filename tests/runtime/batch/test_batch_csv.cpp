// Columns of a CSV table as the samples of a batched model: the row-major
// layout, the checks, and fit and predict on a table whose optimum is known
// by hand.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <ctdiff/batch.hpp>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "close_to.hpp"

namespace {

using ctdiff_test::close_to;

constexpr auto x = ctdiff::vector<"x", 3>;
constexpr auto t = ctdiff::vector<"t", 1>;
constexpr auto W = ctdiff::matrix<"W", 1, 3>;
constexpr auto bias = ctdiff::var<"bias">;

// target = 2a - b + 0.5c + 1 exactly; the columns in another order than the model reads them.
ctdiff::csv_table small_table() {
  std::istringstream text(
      "c,target,a,b\n"
      "1,3.5,1,0\n"
      "0,0,0,1\n"
      "2,-1,-1,1\n"
      "-2,2,1,0\n"
      "4,3,0,0\n"
      "1,1.5,-0.5,-1\n");
  return ctdiff::read_csv(text, "small.csv");
}

}  // namespace

TEST_CASE("row_major gives the named columns row after row, in the order of the names") {
  const ctdiff::csv_table table = small_table();
  REQUIRE(table.row_major({"a", "b", "c"}) ==
          std::vector<double>{1, 0, 1, 0, 1, 0, -1, 1, 2, 1, 0, -2, 0, 0, 4, -0.5, -1, 1});
  REQUIRE(table.row_major({"target"}) == table["target"]);
  REQUIRE_THROWS_AS(table.row_major({"a", "d"}), ctdiff::csv_error);
  REQUIRE_THROWS_AS(ctdiff::samples(x, table, {"a", "b"}), std::length_error);
}

TEST_CASE("fit and predict on columns of a table: the optimum known by hand, after the table is gone") {
  const auto samples = [] {
    const ctdiff::csv_table table = small_table();
    return ctdiff::data(ctdiff::samples(x, table, {"a", "b", "c"}), ctdiff::samples(t, table, {"target"}));
  }();
  REQUIRE(samples.size == 6);
  const auto result =
      ctdiff::fit(ctdiff::mean_squared_error(W * x + bias, t), ctdiff::params(W = ctdiff::zeros(W), bias = 0.0),
                  samples, {.method = ctdiff::optimizer::lbfgs, .max_epochs = 200, .gradient_tolerance = 1e-12});
  REQUIRE(result.stop == ctdiff::stop_reason::gradient_tolerance);
  // The table fits exactly, so the loss is quadratic, with Hessian X̃ᵀX̃/3 (X̃'s rows (a, b, c, 1)),
  // whose smallest eigenvalue is 0.5486: |θ - θ*| <= |gradient| / 0.5486.
  const double distance = 1e-12 / 0.5486;
  REQUIRE(result[W][0] == close_to(2, 0, distance));
  REQUIRE(result[W][1] == close_to(-1, 0, distance));
  REQUIRE(result[W][2] == close_to(0.5, 0, distance));
  REQUIRE(result[bias] == close_to(1, 0, distance));

  const auto predicted = ctdiff::predict(W * x + bias, result, samples);
  const std::vector<double> expected{3.5, 0, -1, 2, 3, 1.5};
  REQUIRE(predicted.size() == expected.size());
  // A prediction is off by at most |(a, b, c, 1)| |θ - θ*|, and |(a, b, c, 1)| <= sqrt(17) here.
  for (std::size_t n = 0; n != expected.size(); ++n)
    REQUIRE(predicted[n] == close_to(expected[n], 0, std::sqrt(17.0) * distance));
}

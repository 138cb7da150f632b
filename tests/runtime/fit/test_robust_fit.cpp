// Models with conditions and users' functions in fit: a Huber regression on
// data with outliers against the iteratively reweighted least-squares
// solution, computed here, apart from the library.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <vector>

#include "close_to.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
constexpr auto a = var<"a">;
constexpr auto b = var<"b">;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

struct line {
  double intercept, slope;
};

// y = 1 + 2x with small deterministic noise, and three outliers.
struct samples {
  std::vector<double> xs, ys;
  samples() {
    for (int i = 0; i != 30; ++i) {
      xs.push_back(0.25 * i);
      ys.push_back(1 + 2 * xs.back() + 0.3 * std::sin(1.7 * i));
    }
    ys[4] += 15;
    ys[17] -= 12;
    ys[25] += 20;
  }
};

// The Huber M-estimate (threshold 1) by IRLS: weights min(1, 1/|r|), then the
// weighted normal equations of the line, until the line stops changing.
line huber_by_irls(const samples& points) {
  line fitted{0, 0};
  for (int iteration = 0; iteration != 1000; ++iteration) {
    double sw = 0, swx = 0, swy = 0, swxx = 0, swxy = 0;
    for (std::size_t i = 0; i != points.xs.size(); ++i) {
      const double r = points.ys[i] - (fitted.intercept + fitted.slope * points.xs[i]);
      const double w = std::abs(r) <= 1 ? 1 : 1 / std::abs(r);
      sw += w;
      swx += w * points.xs[i];
      swy += w * points.ys[i];
      swxx += w * points.xs[i] * points.xs[i];
      swxy += w * points.xs[i] * points.ys[i];
    }
    const double slope = (sw * swxy - swx * swy) / (sw * swxx - swx * swx);
    const line next{(swy - slope * swx) / sw, slope};
    const bool settled = std::abs(next.intercept - fitted.intercept) + std::abs(next.slope - fitted.slope) < 1e-15;
    fitted = next;
    if (settled) break;
  }
  return fitted;
}

TEST_CASE("a Huber regression written with where agrees with IRLS, and resists the outliers") {
  const samples points;
  const auto r = y - (a + b * x);
  const auto huber = where(abs(r) <= 1.0, 0.5 * r * r, abs(r) - 0.5);
  const auto fitted = fit(huber, params(a = 0.0, b = 0.0), data(x = points.xs, y = points.ys),
                          {.method = optimizer::lbfgs, .max_epochs = 2000, .gradient_tolerance = 1e-13});
  const line reference = huber_by_irls(points);
  INFO(to_string(fitted.stop) << " after " << fitted.epochs << " epochs");
  CHECK(fitted[a] == close_to(reference.intercept, 1e-8, 1e-8));
  CHECK(fitted[b] == close_to(reference.slope, 1e-8, 1e-8));
  // Squared loss is pulled by the outliers; Huber's loss much less.
  const auto squared = fit(0.5 * r * r, params(a = 0.0, b = 0.0), data(x = points.xs, y = points.ys),
                           {.method = optimizer::lbfgs, .max_epochs = 2000, .gradient_tolerance = 1e-13});
  CHECK(std::abs(fitted[b] - 2) < 0.1);
  CHECK(std::abs(squared[b] - 2) > 2 * std::abs(fitted[b] - 2));
}

}  // namespace

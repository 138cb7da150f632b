// Newton's method with a trust region (newton.hpp): it finds minima where
// plain Newton (x <- x - H⁻¹g) stops at a maximum or a saddle, takes Newton's
// own steps on convex losses, and says whether the Hessian at the end is
// positive definite.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/newton.hpp>
// The solver itself: ctdiff::precompiled holds it for float and double only,
// and the long double fit below compiles it here.
#include <ctdiff/optimize/detail/trust_region_solver.hpp>
#include <random>
#include <span>
#include <vector>

#include "close_to.hpp"

using namespace ctdiff;
using ctdiff_test::close_to;

namespace {

constexpr auto a = var<"a">;
constexpr auto b = var<"b">;
constexpr auto c = var<"c">;
constexpr auto e = var<"e">;
constexpr auto k = var<"k">;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

// Each started where plain Newton converges to a stationary point that is
// not a minimum (the value there in the comment): the minimum is 0.
TEST_CASE("Newton's method reaches a minimum where plain Newton stops at a maximum or a saddle") {
  SECTION("Himmelblau from (0, 0): plain Newton stops at the local maximum, f = 181.6") {
    const auto himmelblau = pow<2>(a * a + b - 11) + pow<2>(a + b * b - 7);
    const auto r = fit_newton(himmelblau, params(a = 0.0, b = 0.0), {.max_epochs = 100, .gradient_tolerance = 1e-10});
    INFO(to_string(r.stop) << " after " << r.epochs << " epochs at (" << r[a] << ", " << r[b] << ")");
    CHECK(r.stop == stop_reason::gradient_tolerance);
    CHECK(r.loss_per_epoch.back() <= 1e-12);
    CHECK(r.hessian_positive_definite());
  }
  SECTION("4-variable Rosenbrock from (-1.2, 1, -1.2, 1): plain Newton stops at a saddle, f = 3.71") {
    const auto rosenbrock = 100 * pow<2>(b - a * a) + pow<2>(1 - a) + 100 * pow<2>(c - b * b) + pow<2>(1 - b) +
                            100 * pow<2>(e - c * c) + pow<2>(1 - c);
    const auto r = fit_newton(rosenbrock, params(a = -1.2, b = 1.0, c = -1.2, e = 1.0),
                              {.max_epochs = 200, .gradient_tolerance = 1e-10});
    INFO(to_string(r.stop) << " after " << r.epochs << " epochs");
    CHECK(r.stop == stop_reason::gradient_tolerance);
    CHECK(r.loss_per_epoch.back() <= 1e-12);
    CHECK(r.hessian_positive_definite());
  }
  SECTION("a² + (b² - 1)² from (0.5, 0.001): plain Newton stops at b = 0, f = 1") {
    const auto r = fit_newton(a * a + pow<2>(b * b - 1), params(a = 0.5, b = 0.001),
                              {.max_epochs = 100, .gradient_tolerance = 1e-10});
    INFO(to_string(r.stop) << " after " << r.epochs << " epochs at (" << r[a] << ", " << r[b] << ")");
    CHECK(r.stop == stop_reason::gradient_tolerance);
    CHECK(r.loss_per_epoch.back() <= 1e-12);
    CHECK(std::abs(r[b]) == close_to(1, 1e-6));
  }
}

TEST_CASE("long double: Himmelblau's minimum from its maximum's basin, the solver compiled from the headers") {
  const auto himmelblau = pow<2>(a * a + b - 11) + pow<2>(a + b * b - 7);
  const auto in_double =
      fit_newton(himmelblau, params(a = 0.0, b = 0.0), {.max_epochs = 100, .gradient_tolerance = 1e-10});
  const auto r = fit_newton(himmelblau, params(a = 0.0L, b = 0.0L), {.max_epochs = 100, .gradient_tolerance = 1e-10});
  STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(r[a])>, long double>);
  CHECK(r.stop == stop_reason::gradient_tolerance);
  CHECK(static_cast<double>(r[a]) == close_to(in_double[a], 1e-9));
  CHECK(static_cast<double>(r[b]) == close_to(in_double[b], 1e-9));
  CHECK(r.hessian_positive_definite());
}

TEST_CASE("every accepted Newton step lowers the loss") {
  const auto himmelblau = pow<2>(a * a + b - 11) + pow<2>(a + b * b - 7);
  const auto r = fit_newton(himmelblau, params(a = -0.27, b = -0.92), {.max_epochs = 100});
  REQUIRE(r.loss_per_epoch.size() >= 2);
  for (std::size_t i = 1; i != r.loss_per_epoch.size(); ++i) CHECK(r.loss_per_epoch[i] < r.loss_per_epoch[i - 1]);
}

TEST_CASE("at a stationary point that is a saddle, Newton follows the negative curvature") {
  // (a² - 1)² + b² at (0, 0): gradient exactly zero, Hessian diag(-4, 2); minima at a = ±1.
  const auto saddle = pow<2>(a * a - 1) + b * b;
  const auto r = fit_newton(saddle, params(a = 0.0, b = 0.0), {.max_epochs = 100, .gradient_tolerance = 1e-10});
  CHECK(r.stop == stop_reason::gradient_tolerance);
  CHECK(r.epochs > 0);
  CHECK(std::abs(r[a]) == close_to(1, 1e-12));
  CHECK(r.loss_per_epoch.back() <= 1e-20);
  CHECK(r.smallest_hessian_eigenvalue == close_to(2, 1e-9));  // diag(8, 2) at the minimum
}

TEST_CASE("a convex loss takes plain Newton's steps: the same iterates, the same count") {
  // exp(a - 1) - a + (b + 2)²: Newton from (3, 0) is a <- a - 1 + exp(1 - a), b <- -2; its gradient
  // norm falls below 1e-10 after 6 steps (worked out beside the test: 7.54, 2.11, 0.579, 0.0942,
  // 0.00394, 7.7e-6, 3.0e-11).
  const auto convex = exp(a - 1) - a + pow<2>(b + 2);
  const auto r = fit_newton(convex, params(a = 3.0, b = 0.0), {.max_epochs = 20, .gradient_tolerance = 1e-10});
  CHECK(r.stop == stop_reason::gradient_tolerance);
  CHECK(r.epochs == 6);
  double plain = 3;
  for (int step = 0; step != 6; ++step) plain = plain - 1 + std::exp(1 - plain);
  CHECK(r[a] == close_to(plain, 1e-14));
  CHECK(r[b] == close_to(-2, 1e-15));
  CHECK(r.hessian_positive_definite());
}

TEST_CASE("fit_newton solves a quadratic loss in one step with the compile-time Hessian") {
  const std::vector<double> xs{-1, 0, 1, 2, 3}, ys{-2, 1, 4, 7, 10};  // y = 3x + 1
  const auto line = pow<2>(a * x + b - y);
  const auto r =
      fit_newton(line, params(a = 5.0, b = -5.0), data(x = xs, y = ys), {.max_epochs = 5, .gradient_tolerance = 1e-10});
  CHECK(r.stop == stop_reason::gradient_tolerance);
  CHECK(r.epochs == 1);
  CHECK(r[a] == close_to(3, 1e-14));
  CHECK(r[b] == close_to(1, 1e-14));
}

TEST_CASE("a constant in data(...) is held fixed by Newton's method too: ridge regression's closed form") {
  constexpr auto w = var<"w">;
  constexpr auto lambda = var<"lambda">;
  const std::vector<double> xs{-2, 0, 1}, ys{-5, 1, 4};
  // The mean of (w x - y)² + λ w² is least at w = Σxy / (Σx² + nλ) = 14 / (5 + 3 * 0.5).
  const auto r = fit_newton(pow<2>(w * x - y) + lambda * pow<2>(w), params(w = 0.0), data(x = xs, y = ys, lambda = 0.5),
                            {.max_epochs = 5, .gradient_tolerance = 1e-13});
  CHECK(r.epochs == 1);
  CHECK(r[w] == close_to(14 / 6.5, 1e-14));
}

TEST_CASE("newton_step scales each step: half steps halve the distance to a quadratic's minimum") {
  const auto bowl = pow<2>(a - 3) + 2 * pow<2>(b + 1);
  const auto r = fit_newton(bowl, params(a = 0.0, b = 0.0), {.max_epochs = 3, .newton_step = 0.5});
  CHECK(r.stop == stop_reason::max_epochs);
  CHECK(r.epochs == 3);
  CHECK(r[a] == close_to(3 - 3.0 / 8, 1e-14));
  CHECK(r[b] == close_to(-1 + 1.0 / 8, 1e-14));
}

TEST_CASE("a singular Hessian does not stop Newton: it reaches the valley and says the Hessian is singular") {
  // (a + b - 1)²: the Hessian 2·[[1, 1], [1, 1]] is singular everywhere; every point of a + b = 1 is a minimum.
  const auto valley = pow<2>(a + b - 1);
  const auto r = fit_newton(valley, params(a = 3.0, b = -5.0), {.max_epochs = 10, .gradient_tolerance = 1e-12});
  CHECK(r.stop == stop_reason::gradient_tolerance);
  CHECK(r[a] + r[b] == close_to(1, 1e-14));
  CHECK(std::abs(r.smallest_hessian_eigenvalue) <= 1e-12);
  CHECK_FALSE(r.hessian_positive_definite());
}

TEST_CASE("a trial step where the loss is not finite shrinks the region instead of stopping") {
  // a - log(a), minimum at a = 1; the Newton step from 5 lands at a = -15, where log is NaN.
  const auto r = fit_newton(a - log(a), params(a = 5.0), {.max_epochs = 50, .gradient_tolerance = 1e-12});
  CHECK(r.stop == stop_reason::gradient_tolerance);
  CHECK(r[a] == close_to(1, 1e-12));
}

TEST_CASE("at a minimum to rounding, Newton stops with no_further_decrease and keeps the parameters") {
  const auto r = fit_newton(pow<2>(a - 0.1) + 1, params(a = 0.1 + 1e-9), {.max_epochs = 100});
  CHECK(r.stop == stop_reason::no_further_decrease);
  CHECK(r.epochs < 100);
  CHECK(r[a] == close_to(0.1, 1e-12));
  CHECK(std::string(to_string(r.stop)) == "no step lowers the loss");
}

TEST_CASE("minimize_newton on a flat array with a hand-written Hessian") {
  // f(p) = ½ pᵀAp − cᵀp, A = [[4, 1], [1, 3]], c = [1, 2]: minimum A⁻¹c = [1/11, 7/11].
  std::array<double, 2> p{5, -3};
  auto bowl = [&](std::span<const std::size_t>, std::span<double> gradient) {
    const double ap0 = 4 * p[0] + p[1], ap1 = p[0] + 3 * p[1];
    if (!gradient.empty()) {
      gradient[0] += ap0 - 1;
      gradient[1] += ap1 - 2;
    }
    return 0.5 * (p[0] * ap0 + p[1] * ap1) - p[0] - 2 * p[1];
  };
  auto hessian = [](std::span<const std::size_t>, std::span<double> h) {
    const std::array<double, 4> a{4, 1, 1, 3};
    for (std::size_t i = 0; i != 4; ++i) h[i] += a[i];
  };
  const auto r = minimize_newton(bowl, hessian, p, 1, {.max_epochs = 10, .gradient_tolerance = 1e-12});
  CHECK(r.stop == stop_reason::gradient_tolerance);
  CHECK(r.epochs == 1);
  CHECK(p[0] == close_to(1.0 / 11, 1e-14));
  CHECK(p[1] == close_to(7.0 / 11, 1e-14));
  CHECK(r.smallest_hessian_eigenvalue == close_to((7 - std::sqrt(5.0)) / 2, 1e-14));
}

TEST_CASE("fit_newton's steps are bitwise the same on 1, 2, 3 and 8 threads") {
  std::mt19937_64 generator(3);
  std::uniform_real_distribution<double> uniform(0, 4), noise(-0.05, 0.05);
  std::vector<double> xs, ys;
  for (int i = 0; i != 1000; ++i) {
    xs.push_back(uniform(generator));
    ys.push_back(2.5 * std::exp(-1.3 * xs.back()) + 0.5 + noise(generator));
  }
  const auto decay_loss = pow<2>(a * exp(-k * x) + c - y);
  const auto run_on = [&](std::size_t threads) {
    return fit_newton(decay_loss, params(a = 2.0, k = 1.0, c = 0.4), data(x = xs, y = ys),
                      {.max_epochs = 8, .threads = threads});
  };
  const auto reference = run_on(1);
  REQUIRE(reference.loss_per_epoch.back() < reference.loss_per_epoch.front());
  for (std::size_t threads : {2, 3, 8}) {
    const auto other = run_on(threads);
    CHECK(other.loss_per_epoch == reference.loss_per_epoch);
    CHECK(other[a] == reference[a]);
    CHECK(other[k] == reference[k]);
    CHECK(other[c] == reference[c]);
  }
}

}  // namespace

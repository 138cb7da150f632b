// least_squares: a closed-form linear regression (parameters, standard errors,
// covariance), every stop reason, the first trust region, as many samples as
// parameters, a rank-deficient Jacobian, a bad start, residuals(...) without
// data, and a constant held fixed in data(...).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/least_squares.hpp>
// The solver itself: ctdiff::precompiled holds it for float and double only,
// and the long double fit below compiles it here.
#include <ctdiff/optimize/levenberg_marquardt.hpp>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "close_to.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
constexpr auto a = var<"a">;
constexpr auto b = var<"b">;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

// Misra1a's data (NIST), for the stop-reason tests.
const std::vector<double> misra_x{77.6,  114.9, 141.1, 190.8, 239.9, 289.0, 332.8,
                                  378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760.0};
const std::vector<double> misra_y{10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02,
                                  44.82, 50.76, 55.05, 61.01, 66.40, 75.47, 81.78};
const auto misra_residual = y - a * (1 - exp(-b * x));
const auto misra_start = params(a = 500.0, b = 1e-4);

// A straight line's samples.
const std::vector<double> xs{0, 1, 2, 3, 4, 5};
const std::vector<double> ys{1.1, 2.9, 5.2, 6.8, 9.1, 11.2};

TEST_CASE("a straight line: the closed-form fit, standard errors and covariance") {
  // Ordinary least squares by hand: slope Sxy/Sxx, s² = RSS/(n − 2).
  const double n = 6, mean_x = 2.5, mean_y = (1.1 + 2.9 + 5.2 + 6.8 + 9.1 + 11.2) / 6;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i != xs.size(); ++i) {
    sxx += (xs[i] - mean_x) * (xs[i] - mean_x);
    sxy += (xs[i] - mean_x) * (ys[i] - mean_y);
  }
  const double slope = sxy / sxx, intercept = mean_y - slope * mean_x;
  double rss = 0;
  for (std::size_t i = 0; i != xs.size(); ++i) rss += std::pow(ys[i] - intercept - slope * xs[i], 2);
  const double s2 = rss / (n - 2);

  auto r = least_squares(y - (a + b * x), params(a = 0.0, b = 0.0), data(x = xs, y = ys));
  INFO(to_string(r.stop));
  CHECK(r[a] == close_to(intercept, 1e-12));
  CHECK(r.parameters[b] == close_to(slope, 1e-12));
  CHECK(2 * r.loss_per_epoch.back() == close_to(rss, 1e-10));
  CHECK(r.loss_per_epoch.front() ==
        close_to(0.5 * (1.1 * 1.1 + 2.9 * 2.9 + 5.2 * 5.2 + 6.8 * 6.8 + 9.1 * 9.1 + 11.2 * 11.2), 1e-14));
  CHECK(r.standard_errors[b] == close_to(std::sqrt(s2 / sxx), 1e-10));
  CHECK(r.standard_errors[a] == close_to(std::sqrt(s2 * (1 / n + mean_x * mean_x / sxx)), 1e-10));
  CHECK(r.covariance(0, 1) == close_to(-mean_x * s2 / sxx, 1e-10));
  CHECK(r.covariance(1, 0) == close_to(r.covariance(0, 1), 1e-12));
  CHECK(r.jacobian_rank == 2);
  CHECK(r.loss_per_epoch.size() == r.epochs + 1);
}

TEST_CASE("long double: the straight line's fit, with the solver compiled from the headers") {
  const std::vector<long double> long_xs(xs.begin(), xs.end()), long_ys(ys.begin(), ys.end());
  const auto in_double = least_squares(y - (a + b * x), params(a = 0.0, b = 0.0), data(x = xs, y = ys));
  const auto r = least_squares(y - (a + b * x), params(a = 0.0L, b = 0.0L), data(x = long_xs, y = long_ys));
  STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(r[a])>, long double>);
  CHECK(static_cast<double>(r[a]) == close_to(in_double[a], 1e-12));
  CHECK(static_cast<double>(r[b]) == close_to(in_double[b], 1e-12));
  CHECK(static_cast<double>(r.standard_errors[b]) == close_to(in_double.standard_errors[b], 1e-10));
}

TEST_CASE("each tolerance stops the solve with its reason") {
  SECTION("the default options reach the certified values of Misra1a") {
    auto r = least_squares(misra_residual, misra_start, data(x = misra_x, y = misra_y));
    CHECK(r[a] == close_to(2.3894212918E+02, 1e-9));
    CHECK(r[b] == close_to(5.5015643181E-04, 1e-9));
  }
  SECTION("function tolerance") {
    auto r = least_squares(misra_residual, misra_start, data(x = misra_x, y = misra_y),
                           {.function_tolerance = 1e-3, .parameter_tolerance = 0});
    CHECK(r.stop == ctdiff::stop_reason::function_tolerance);
    CHECK(std::string(to_string(r.stop)) == "relative cost reduction below tolerance");
  }
  SECTION("parameter tolerance") {
    auto r = least_squares(misra_residual, misra_start, data(x = misra_x, y = misra_y),
                           {.function_tolerance = 0, .parameter_tolerance = 1e-6});
    CHECK(r.stop == ctdiff::stop_reason::parameter_tolerance);
    CHECK(r[a] == close_to(2.3894212918E+02, 1e-5));
  }
  SECTION("gradient tolerance: stop once every Jacobian column is that close to orthogonal to the residuals") {
    auto r = least_squares(misra_residual, misra_start, data(x = misra_x, y = misra_y),
                           {.function_tolerance = 0, .parameter_tolerance = 0, .gradient_tolerance = 0.1});
    CHECK(r.stop == ctdiff::stop_reason::gradient_tolerance);
    // The cosines at the returned parameters, computed here: at most 0.1, and short of the
    // solution's (1e-10), so the tolerance and not convergence stopped the solve.
    double jr_a = 0, jr_b = 0, jj_a = 0, jj_b = 0, rr = 0;
    for (std::size_t i = 0; i != misra_x.size(); ++i) {
      const double decay = std::exp(-r[b] * misra_x[i]);
      const double residual = misra_y[i] - r[a] * (1 - decay);
      const double da = -(1 - decay), db = -r[a] * misra_x[i] * decay;
      jr_a += da * residual, jr_b += db * residual, jj_a += da * da, jj_b += db * db, rr += residual * residual;
    }
    const double cosine_a = std::abs(jr_a) / std::sqrt(jj_a * rr), cosine_b = std::abs(jr_b) / std::sqrt(jj_b * rr);
    INFO("cosines " << cosine_a << ", " << cosine_b);
    CHECK(cosine_a <= 0.1);
    CHECK(cosine_b <= 0.1);
    CHECK(std::max(cosine_a, cosine_b) > 1e-3);
  }
  SECTION("gradient tolerance: a start that fits exactly") {
    const std::vector<double> xs{1, 2, 3}, ys{2, 4, 6};
    auto r = least_squares(y - a * x, params(a = 2.0), data(x = xs, y = ys));
    CHECK(r.stop == ctdiff::stop_reason::gradient_tolerance);
    CHECK(r.epochs == 0);
    CHECK(r.loss_per_epoch == std::vector<double>{0.0});
  }
  SECTION("maximum iterations") {
    auto r = least_squares(misra_residual, misra_start, data(x = misra_x, y = misra_y), {.max_iterations = 3});
    CHECK(r.stop == ctdiff::stop_reason::max_epochs);
    CHECK(r.epochs == 3);
    CHECK(r.loss_per_epoch.size() == 4);
    CHECK(r.loss_per_epoch.back() < r.loss_per_epoch.front());
    // The record's gradient is the cost's, Jᵀr, at the returned parameters: by hand.
    double gradient_a = 0, gradient_b = 0;
    for (std::size_t i = 0; i != misra_x.size(); ++i) {
      const double decay = std::exp(-r[b] * misra_x[i]);
      const double residual = misra_y[i] - r[a] * (1 - decay);
      gradient_a += residual * -(1 - decay);
      gradient_b += residual * -r[a] * misra_x[i] * decay;
    }
    CHECK(r.gradient_norm == close_to(std::hypot(gradient_a, gradient_b), 1e-9));
    CHECK(std::isnan(r.smallest_hessian_eigenvalue));
  }
  SECTION("no further progress when every tolerance is zero") {
    auto r = least_squares(misra_residual, misra_start, data(x = misra_x, y = misra_y),
                           {.function_tolerance = 0, .parameter_tolerance = 0});
    CHECK(r.stop == ctdiff::stop_reason::no_further_decrease);
    CHECK(r[a] == close_to(2.3894212918E+02, 1e-9));
  }
  SECTION("Gauss-Newton, close to the solution") {
    auto r = least_squares(misra_residual, params(a = 240.0, b = 5.5e-4), data(x = misra_x, y = misra_y),
                           {.method = least_squares_method::gauss_newton});
    CHECK(r[a] == close_to(2.3894212918E+02, 1e-9));
    CHECK(r[b] == close_to(5.5015643181E-04, 1e-9));
    CHECK(std::string(to_string(least_squares_method::gauss_newton)) == "Gauss-Newton");
  }
}

TEST_CASE("the initial trust region bounds the first step") {
  // Linear residuals: the Jacobian is -(1, x) everywhere, its column norms D = (sqrt(6), sqrt(55)).
  // From (1, 1) the first trust region is factor * |D (1, 1)| = factor * sqrt(61). MINPACK's lmpar
  // takes the Gauss-Newton step when its scaled length is within 1.1 times that, else a step whose
  // scaled length is within 10% of it.
  auto first_step = [](double factor) {
    return least_squares(y - (a + b * x), params(a = 1.0, b = 1.0), data(x = xs, y = ys),
                         {.max_iterations = 1, .initial_trust_region_factor = factor});
  };
  const auto short_step = first_step(1e-3);
  const double scaled_length = std::hypot(std::sqrt(6.0) * (short_step[a] - 1), std::sqrt(55.0) * (short_step[b] - 1));
  CHECK(scaled_length >= 0.9e-3 * std::sqrt(61.0));
  CHECK(scaled_length <= 1.1e-3 * std::sqrt(61.0));
  // The default factor, 100, leaves the Gauss-Newton step inside: it solves a linear problem at once.
  const auto gauss_newton_step = first_step(100);
  const auto solved = least_squares(y - (a + b * x), params(a = 1.0, b = 1.0), data(x = xs, y = ys));
  CHECK(gauss_newton_step[a] == close_to(solved[a], 1e-12));
  CHECK(gauss_newton_step[b] == close_to(solved[b], 1e-12));
}

TEST_CASE("as many samples as parameters: an exact fit, and NaN standard errors (no residual degrees of freedom)") {
  auto r = least_squares(y - (a + b * x), params(a = 0.0, b = 0.0),
                         data(x = std::vector<double>{1, 2}, y = std::vector<double>{3, 5}));
  CHECK(r[a] == close_to(1, 1e-14));
  CHECK(r[b] == close_to(2, 1e-14));
  CHECK(r.jacobian_rank == 2);  // full rank: the NaN comes from n - p = 0 alone
  CHECK(std::isnan(r.standard_errors[a]));
  CHECK(std::isnan(r.standard_errors[b]));
  CHECK(std::isnan(r.covariance(0, 1)));
}

TEST_CASE("a residual that is not finite") {
  const std::vector<double> xs{1, 2, 3}, ys{2, 4, 6};  // y = log(b)·x at b = e²
  SECTION("at the start: stop at once with the start") {
    auto r = least_squares(y - log(b) * x, params(b = -1.0), data(x = xs, y = ys));
    CHECK(r.stop == ctdiff::stop_reason::non_finite_loss);
    CHECK(std::string(to_string(r.stop)) == "loss became non-finite");
    CHECK(r[b] == -1.0);
    CHECK(r.epochs == 0);
    CHECK(r.loss_per_epoch.empty());
  }
  SECTION("after a Gauss-Newton step: stop with the last finite parameters") {
    // From b = 100 the Gauss-Newton step b + (2 - log b)·b goes to b < 0.
    auto r = least_squares(y - log(b) * x, params(b = 100.0), data(x = xs, y = ys),
                           {.method = least_squares_method::gauss_newton});
    CHECK(r.stop == ctdiff::stop_reason::non_finite_loss);
    CHECK(r[b] == 100.0);
  }
  SECTION("Levenberg-Marquardt rejects the step and shrinks its trust region") {
    auto r = least_squares(y - log(b) * x, params(b = 100.0), data(x = xs, y = ys));
    CHECK(r[b] == close_to(std::exp(2.0), 1e-12));
  }
}

TEST_CASE("a rank-deficient Jacobian") {
  const std::vector<double> xs{1, 2, 3}, ys{2.1, 3.9, 6.0};  // only the product a·b is determined
  SECTION("Gauss-Newton stops") {
    auto r = least_squares(y - a * b * x, params(a = 1.0, b = 1.0), data(x = xs, y = ys),
                           {.method = least_squares_method::gauss_newton});
    CHECK(r.stop == ctdiff::stop_reason::singular_jacobian);
    CHECK(std::string(to_string(r.stop)) == "Jacobian is rank-deficient");
    CHECK(r[a] == 1.0);
  }
  SECTION("Levenberg-Marquardt fits the product; the standard errors are NaN") {
    auto r = least_squares(y - a * b * x, params(a = 1.0, b = 1.0), data(x = xs, y = ys));
    const double slope = (2.1 * 1 + 3.9 * 2 + 6.0 * 3) / 14.0;  // Σxy/Σx²
    CHECK(r[a] * r[b] == close_to(slope, 1e-10));
    CHECK(r.jacobian_rank == 1);
    CHECK(std::isnan(r.standard_errors[a]));
    CHECK(std::isnan(r.covariance(0, 1)));
  }
}

TEST_CASE("residuals(...) without data") {
  SECTION("Rosenbrock as two residuals") {
    auto r = least_squares(residuals(10 * (b - a * a), 1 - a), params(a = -1.2, b = 1.0));
    CHECK(r[a] == close_to(1.0, 1e-12));
    CHECK(r[b] == close_to(1.0, 1e-12));
    CHECK(r.loss_per_epoch.back() < 1e-20);
  }
  SECTION("a circle meets a line") {
    auto r = least_squares(residuals(a * a + b * b - 4, a - b), params(a = 1.0, b = 0.5));
    CHECK(r[a] == close_to(std::numbers::sqrt2, 1e-12));
    CHECK(r[b] == close_to(std::numbers::sqrt2, 1e-12));
  }
  SECTION("fewer residuals than parameters is an error") {
    CHECK_THROWS_AS(least_squares(residuals(a + b), params(a = 1.0, b = 0.5)), std::invalid_argument);
  }
}

TEST_CASE("a constant in data(...) is held fixed: a line through a known offset") {
  // y - c = a + b x for a known c: ordinary least squares on y - c, which moves the intercept by c alone.
  constexpr auto c = var<"c">;
  const std::vector<double> xs{0, 1, 2, 3, 4, 5};
  const std::vector<double> ys{1.1, 2.9, 5.2, 6.8, 9.1, 11.2};
  auto free = least_squares(y - (a + b * x), params(a = 0.0, b = 0.0), data(x = xs, y = ys));
  auto shifted = least_squares(y - c - (a + b * x), params(a = 0.0, b = 0.0), data(x = xs, y = ys, c = 0.75));
  CHECK(shifted[a] == close_to(free[a] - 0.75, 1e-12));
  CHECK(shifted[b] == close_to(free[b], 1e-12));
  CHECK(shifted.loss_per_epoch.back() == close_to(free.loss_per_epoch.back(), 1e-10));
}

}  // namespace

// One vocabulary: least squares' former names are the same values as the shared ones.
static_assert(ctdiff::least_squares_stop::max_iterations == ctdiff::stop_reason::max_epochs);
static_assert(ctdiff::least_squares_stop::non_finite_residual == ctdiff::stop_reason::non_finite_loss);
static_assert(ctdiff::least_squares_stop::no_further_progress == ctdiff::stop_reason::no_further_decrease);

// L-BFGS as an optimizer of fit and its stops (the epoch limit, a non-finite
// loss, no Wolfe step), and minimizing without data (any method).
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <span>
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
const auto rosenbrock = pow<2>(1 - a) + 100 * pow<2>(b - a * a);

TEST_CASE("L-BFGS minimizes Rosenbrock's function without data") {
  auto r = minimize(rosenbrock, params(a = -1.2, b = 1.0),
                    {.method = optimizer::lbfgs, .max_epochs = 500, .gradient_tolerance = 1e-10});
  INFO(r.epochs << " epochs, " << to_string(r.stop));
  CHECK(r.stop == stop_reason::gradient_tolerance);
  // |x - x*| <= |gradient| / (the Hessian's smallest eigenvalue): at (1, 1) the
  // Hessian is [[802, -400], [-400, 200]], eigenvalue (1002 - sqrt(1002404)) / 2 = 0.3994.
  CHECK(r[a] == close_to(1.0, 0, 1e-10 / 0.3994));
  CHECK(r[b] == close_to(1.0, 0, 1e-10 / 0.3994));
  CHECK(r.epochs < 100);  // gradient descent needs tens of thousands
  // Every accepted step satisfies the sufficient-decrease condition, so the loss falls every epoch.
  for (std::size_t k = 1; k != r.loss_per_epoch.size(); ++k) CHECK(r.loss_per_epoch[k] < r.loss_per_epoch[k - 1]);
  CHECK(std::string(to_string(optimizer::lbfgs)) == "L-BFGS");
}

TEST_CASE("L-BFGS fits a quadratic to data, with any memory") {
  const std::vector<double> xs{-2, 0, 1, 3}, ys{-5, 1, 4, 10};  // y = 3x + 1
  const auto loss = 0.5 * pow<2>(a * pow<2>(x) + b * x + var<"c"> - y);
  for (std::size_t memory : {1, 3, 10}) {
    auto r = fit(loss, params(a = 1.0, b = 1.0, var<"c"> = 1.0), data(x = xs, y = ys),
                 {.method = optimizer::lbfgs, .max_epochs = 200, .gradient_tolerance = 1e-10, .lbfgs_memory = memory});
    INFO("memory " << memory << ": " << r.epochs << " epochs, " << to_string(r.stop));
    CHECK(r.stop == stop_reason::gradient_tolerance);
    // |θ - θ*| <= |gradient| / 0.4643, the smallest eigenvalue of the Hessian
    // ΦᵀΦ/4, Φ's rows (x², x, 1) at the 4 x (the data fit exactly, so the loss is quadratic).
    CHECK(r[a] == close_to(0.0, 0, 1e-10 / 0.4643));
    CHECK(r[b] == close_to(3.0, 0, 1e-10 / 0.4643));
    CHECK(r[var<"c">] == close_to(1.0, 0, 1e-10 / 0.4643));
  }
}

TEST_CASE("L-BFGS stops at the epoch limit") {
  auto r = minimize(rosenbrock, params(a = -1.2, b = 1.0), {.method = optimizer::lbfgs, .max_epochs = 5});
  CHECK(r.stop == stop_reason::max_epochs);
  CHECK(r.epochs == 5);
  CHECK(r.loss_per_epoch.size() == 6);
  CHECK(r.loss_per_epoch.back() == eval(rosenbrock, at(a = r[a], b = r[b])));  // the loss of the parameters returned
  CHECK(r.gradient_norm > 1e-3);  // far from converged: the limit, not the minimum, stopped it
}

TEST_CASE("L-BFGS stops at once on a non-finite loss at the start, with the starting parameters") {
  auto r = minimize(log(a) + pow<2>(b), params(a = -1.0, b = 2.0), {.method = optimizer::lbfgs});
  CHECK(r.stop == stop_reason::non_finite_loss);
  CHECK(r.epochs == 0);
  CHECK(r.loss_per_epoch.empty());
  CHECK(r[a] == -1.0);
  CHECK(r[b] == 2.0);
}

TEST_CASE("L-BFGS steps back from a trial point where the loss is not finite") {
  // a - log(a), least at a = 1: from a = 3 the second quasi-Newton step overshoots below 0,
  // where log(a) is NaN; the line search shrinks the step instead of stopping there.
  std::array<double, 1> p{3};
  int trials_below_zero = 0;
  auto loss = [&](std::span<const std::size_t>, std::span<double> gradient) {
    trials_below_zero += p[0] <= 0;
    if (!gradient.empty()) gradient[0] += 1 - 1 / p[0];
    return p[0] - std::log(p[0]);
  };
  const auto r = minimize(loss, p, 1, {.method = optimizer::lbfgs, .max_epochs = 100, .gradient_tolerance = 1e-12});
  CHECK(trials_below_zero > 0);
  CHECK(r.stop == stop_reason::gradient_tolerance);
  CHECK(p[0] == close_to(1, 0, 1.1e-12));  // the second derivative 1/a² is 1 there: |a - 1| ~ |gradient|
}

TEST_CASE("L-BFGS stops when no step satisfies the Wolfe conditions") {
  // A linear function has no minimum: the line search doubles its step until it gives up.
  auto r = minimize(3 * a + b, params(a = 1.0, b = 2.0), {.method = optimizer::lbfgs});
  CHECK(r.stop == stop_reason::line_search_failed);
  CHECK(std::string(to_string(r.stop)) == "line search found no step");
  CHECK(r[a] == 1.0);  // the parameters where it stopped, not a trial point
  CHECK(r[b] == 2.0);
}

TEST_CASE("minimizing without data with the other methods") {
  const auto bowl = pow<2>(a - 3) + 2 * pow<2>(b + 1);
  auto descent = minimize(bowl, params(a = 0.0, b = 0.0), {.learning_rate = 0.1, .gradient_tolerance = 1e-10});
  CHECK(descent.stop == stop_reason::gradient_tolerance);
  // The Hessian is diag(2, 4): |x - x*| <= |gradient| / 2.
  CHECK(descent[a] == close_to(3.0, 0, 1e-10 / 2));
  CHECK(descent[b] == close_to(-1.0, 0, 1e-10 / 2));
}

}  // namespace

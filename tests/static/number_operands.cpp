// A user's integers in constant expressions: never integer division, never
// unsigned wrap-around. Compiling this file is passing.
#include <ctdiff/ctdiff.hpp>

namespace {

using namespace ctdiff;
constexpr auto x = var<"x">;

constexpr bool close(double actual, double expected) {
  const double difference = actual > expected ? actual - expected : expected - actual;
  const double size = expected < 0 ? -expected : expected;
  return difference <= 1e-15 * (size > 1 ? size : 1);
}

// The derivatives of x/c, c/x, x*x/c and pow<-1>(c*x) at x = 2, written by hand.
template <class C>
constexpr bool derivatives_right(C c) {
  const double k = static_cast<double>(c);
  const auto point = at(x = 2.0);
  return close(eval(d(x / c, x), point), 1 / k) && close(eval(d(c / x, x), point), -k / 4) &&
         close(eval(d(c / x, x, x), point), 2 * k / 8) && close(eval(hessian(x * x / c, wrt(x)), point)[0][0], 2 / k) &&
         close(eval(gradient(x / c, wrt(x)), point)[0], 1 / k) &&
         close(eval(d(pow<-1>(c * x), x), point), -1 / (4 * k)) && close(eval(d(-(c * x) - c, x), point), -k);
}

static_assert(derivatives_right(2) && derivatives_right(-3) && derivatives_right(3L) && derivatives_right(2u) &&
              derivatives_right(3.0f) && derivatives_right(-3.0) && derivatives_right(2.0L));
static_assert(eval(d(x / 2, x), at(x = 3.0)) == 0.5, "the issue's example: 1/2 is not the integer 0");

}  // namespace

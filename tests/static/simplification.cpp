// Compile-time tests of simplification: the derivative's type stays small.
// Compiling this file is passing.
#include <ctdiff/ctdiff.hpp>

namespace {

using namespace ctdiff;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
using X = std::remove_cv_t<decltype(x)>;

template <class A, class B>
constexpr bool same(A, B) {
  return std::is_same_v<A, B>;
}

static_assert(same(var<"x">, x), "the same name is the same symbol");
static_assert(!same(x, y));
static_assert(std::is_empty_v<decltype(x * sin(x) + pow<3>(y))>, "expressions of symbols cost nothing to copy");

static_assert(same(int_c<0> * x, int_c<0>), "0*e -> 0");
static_assert(same(int_c<1> * x, x), "1*e -> e");
static_assert(same(x + int_c<0>, x), "e+0 -> e");
static_assert(same(x - int_c<0>, x), "e-0 -> e");
static_assert(same(pow<1>(x), x), "pow<1>(e) -> e");
static_assert(same(pow<0>(x), int_c<1>), "pow<0>(e) -> 1");
static_assert(same(int_c<2> * int_c<3> + int_c<1>, int_c<7>), "integer constants fold");
static_assert(same(x + x, int_c<2>* x), "x + x -> 2*x");
static_assert(same(x * x, pow<2>(x)), "x*x -> x^2");
static_assert(same(x * x * x, pow<3>(x)));
static_assert(same(int_c<2> * x + int_c<3> * x, int_c<5>* x), "like terms collect");
static_assert(same(x - x, int_c<0>));
static_assert(same(pow<2>(pow<3>(x)), pow<6>(x)));

static_assert(same(x * (sin(y) * x), pow<2>(x) * sin(y)), "like factors collect across a factor between them");
static_assert(same(x * y / (y * sin(x)), x / sin(x)), "a factor of the numerator cancels one of the denominator");
static_assert(same(x * sin(y) / pow<3>(x), sin(y) / pow<2>(x)));
static_assert(same(sin(y) / pow<3>(x) * x, sin(y) / pow<2>(x)), "a factor cancels into a quotient beside it");
static_assert(same(-x / y, -(x / y)) && same(x / -y, -(x / y)), "signs leave a quotient");
static_assert(same(pow<2>(-x), pow<2>(x)) && same(pow<3>(-x), -pow<3>(x)), "signs leave a power");
static_assert(!same(sin(0.5 * x) * sin(0.25 * x), pow<2>(sin(0.5 * x))),
              "a runtime literal inside a factor keeps it apart: its type does not fix its value");

constexpr auto Vmax = var<"Vmax">;
constexpr auto S = var<"S">;
constexpr auto Km = var<"Km">;
static_assert(same(d(var<"rate"> - Vmax * S / (Km + S), Km, Km), int_c<-2>*(Vmax* S / pow<3>(Km + S))),
              "the second derivative of Michaelis-Menten computes (Km + S)^3 once, not (Km + S)^4 times (Km + S)");

static_assert(same(d(y * y, x), int_c<0>), "no x in e: the compile-time zero");
static_assert(same(d(x, x), int_c<1>));
static_assert(same(d(pow<5>(x), x), binary<product_op, integer<5>, unary<power_op<4>, X>>{}),
              "d(x^5) is 5*x^4, not a tree of sums");
static_assert(same(d(x * x * x, x), int_c<3>* pow<2>(x)));
static_assert(same(d(int_c<3> * pow<4>(x) + int_c<2> * pow<2>(x), x), int_c<12>* pow<3>(x) + int_c<4> * x));
static_assert(same(d(x * y, x), y));
static_assert(same(d(x * y, x, y), int_c<1>));

}  // namespace

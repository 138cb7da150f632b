// Compile-time tests: + - * /, unary minus, pow<N>, d, eval and gradient in
// constant expressions. Compiling this file is passing.
#include <ctdiff/ctdiff.hpp>

namespace {

using namespace ctdiff;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

static_assert(eval(d(x * x * x, x), at(x = 2.0)) == 12.0);
static_assert(eval(x + y, at(y = 3.0, x = 2.0)) == 5.0, "bindings in any order");
static_assert(eval(x - y, at(x = 2.0, y = 3.0, var<"unused"> = 7.0)) == -1.0, "unused bindings are allowed");
static_assert(eval(x / y, at(x = 3.0, y = 2.0)) == 1.5);
static_assert(eval(-x, at(x = 2.0)) == -2.0);
static_assert(eval(2 * x + 1, at(x = 2.0)) == 5.0, "numbers on either side");
static_assert(eval(1 / x, at(x = 4.0)) == 0.25);
static_assert(eval(x - 0.5, at(x = 2.0)) == 1.5);
static_assert(eval(pow<3>(x), at(x = 2.0)) == 8.0);
static_assert(eval(pow<-2>(x), at(x = 2.0)) == 0.25);
static_assert(eval(pow<0>(x), at(x = 5.0)) == 1.0);
static_assert(eval(d(pow<-1>(x), x), at(x = 2.0)) == -0.25);
static_assert(eval(d(x / y, y), at(x = 1.0, y = 2.0)) == -0.25);
static_assert(eval(d(x * x * y, x, y), at(x = 3.0, y = 5.0)) == 6.0, "d(e, v, w) is d(d(e, v), w)");
static_assert(eval(d(y * y, x), at(x = 1.0)) == 0.0, "the zero derivative needs no bindings");

constexpr auto g = eval(gradient(x * x * y - x / y, wrt(y, x)), at(x = 1.0, y = 2.0));
static_assert(g[0] == 1.0 + 0.25 && g[1] == 4.0 - 0.5, "gradient in the order of wrt");

constexpr auto h = eval(hessian(x * x * y, wrt(x, y)), at(x = 3.0, y = 5.0));
static_assert(h[0][0] == 10.0 && h[0][1] == 6.0 && h[1][0] == 6.0 && h[1][1] == 0.0);

// The value type follows the bindings, not the literals in the model.
static_assert(std::is_same_v<decltype(eval(0.5 * x, at(x = 2.0f))), float>);
static_assert(std::is_same_v<decltype(eval(0.5f * x, at(x = 2.0L))), long double>);
static_assert(std::is_same_v<decltype(eval(x, at(x = 2))), double>, "integer bindings evaluate in double");
static_assert(std::is_same_v<decltype(eval(gradient(x * y, wrt(x, y)), at(x = 1.0f, y = 2.0f))), std::array<float, 2>>);

// Expressions hold operands by value: this one outlives every temporary that built it.
constexpr auto make_model() {
  auto a = x * x;
  auto b = a + 1;
  return b * y;
}
static_assert(eval(make_model(), at(x = 2.0, y = 3.0)) == 15.0);

}  // namespace

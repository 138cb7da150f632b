// gradient() and hessian(): one reverse sweep, the same numbers as d() per symbol.
#include "derivative_checks.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto z = var<"z">;

// An elementary function that counts its evaluations, to show that the
// gradient evaluates the model once, not once per parameter.
struct counted_tanh_op : tanh_op {
  static inline int evaluations = 0;
  static auto apply(auto v) {
    ++evaluations;
    return tanh_op::apply(v);
  }
};

TEST_CASE("the gradient evaluates each distinct node once, whatever the number of parameters and uses") {
  constexpr auto shared = make_call<counted_tanh_op>(x * y + z);
  constexpr auto e = shared * x + shared * y + shared * z;
  counted_tanh_op::evaluations = 0;
  auto g = eval(gradient(e, wrt(x, y, z)), at(x = 0.5, y = -0.25, z = 1.5));
  CHECK(counted_tanh_op::evaluations == 1);  // three uses, one schedule entry, for three partials
  counted_tanh_op::evaluations = 0;
  std::array<double, 3> by_d{eval(d(e, x), at(x = 0.5, y = -0.25, z = 1.5)),
                             eval(d(e, y), at(x = 0.5, y = -0.25, z = 1.5)),
                             eval(d(e, z), at(x = 0.5, y = -0.25, z = 1.5))};
  CHECK(counted_tanh_op::evaluations == 3);  // each per-symbol derivative is its own evaluation
  for (std::size_t i = 0; i != 3; ++i) CHECK(g[i] == close_to(by_d[i], 1e-14));
}

TEST_CASE("gradient order follows wrt, and a symbol absent from e has partial 0") {
  auto g = eval(gradient(x * x * y, wrt(y, z, x)), at(x = 3.0, y = 2.0));
  CHECK(g == std::array<double, 3>{9, 0, 12});
}

TEST_CASE("float, double and long double evaluate in their own type") {
  auto e = 0.1 * x * sin(y);
  auto gf = eval(gradient(e, wrt(x, y)), at(x = 2.0f, y = 0.5f));
  auto gl = eval(gradient(e, wrt(x, y)), at(x = 2.0L, y = 0.5L));
  STATIC_REQUIRE(std::is_same_v<decltype(gf), std::array<float, 2>>);
  STATIC_REQUIRE(std::is_same_v<decltype(gl), std::array<long double, 2>>);
  CHECK(gf[0] == close_to(0.1 * std::sin(0.5), 1e-6));
  CHECK(gl[1] == close_to(0.1 * 2 * std::cos(0.5), 1e-15));
  // The model's 0.1 is a double literal; the arithmetic around it is long double.
  CHECK(std::abs(gl[0] - static_cast<long double>(0.1) * std::sin(0.5L)) < 1e-18L);
}

TEST_CASE("bindings change in place: b[x] = value") {
  auto b = at(x = 1.0, y = 2.0);
  CHECK(eval(x * y, b) == 2.0);
  b[x] = 4.0;
  CHECK(eval(x * y, b) == 8.0);
}

TEST_CASE("the Hessian matches d(d(e, v), w) and finite differences") {
  auto p = GENERATE(take(10, chunk(3, random(-1.5, 1.5))));
  auto b = at(x = p[0], y = p[1], z = p[2]);
  ctdiff_test::require_second_derivatives(sin(x * y) * exp(z) + pow<3>(x - z) / (1 + y * y), wrt(x, y, z), b);
  auto h = eval(hessian(x * x * y + pow<3>(z), wrt(x, z)), b);
  CHECK(h[0][0] == close_to(2 * p[1], 1e-14));
  CHECK(h[0][1] == 0.0);
  CHECK(h[1][1] == close_to(6 * p[2], 1e-14));
}

}  // namespace

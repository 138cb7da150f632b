// How the reverse sweep adds up its partials: the slots start at -0.0 (the
// identity of IEEE addition, so no "0.0 +" is computed) and a slot the sweep
// never reaches is +0. (What this saves is measured by bench/, not here.)
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>

namespace {

using namespace ctdiff;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto z = var<"z">;

TEST_CASE("a symbol the sweep does not reach gets +0, not -0") {
  auto g = eval(gradient(x * x + step(y) + sign(z) * x, wrt(x, y, z)), at(x = 2.0, y = 1.0, z = -1.0));
  CHECK(g[0] == 3.0);
  CHECK(g[1] == 0.0);
  CHECK_FALSE(std::signbit(g[1]));  // below step: no partial at all
  CHECK_FALSE(std::signbit(g[2]));  // below sign: likewise
  auto absent = eval(gradient(x * x, wrt(x, y)), at(x = 2.0, y = 1.0));
  CHECK_FALSE(std::signbit(absent[1]));
}

TEST_CASE("a reached slot is the exact IEEE sum of its partials, signed zeros included") {
  auto g = eval(gradient(x * y, wrt(x, y)), at(x = -0.0, y = 0.0));
  CHECK_FALSE(std::signbit(g[0]));  // y = +0
  CHECK(std::signbit(g[1]));        // x = -0: -0.0 + -0.0 is -0
  auto runtime_zero = eval(gradient(0.0 * y + x, wrt(x, y)), at(x = 1.0, y = 1.0));
  CHECK_FALSE(std::signbit(runtime_zero[1]));  // -0.0 + 0.0 is +0
}

TEST_CASE("the gradient of half a square is exactly the residual") {
  const double residual = 0.1 + 0.2 - 0.3;  // not a round number
  auto g = eval(gradient(pow<2>(x - y) / 2, wrt(x)), at(x = 0.1 + 0.2, y = 0.3));
  CHECK(g[0] == residual);
  auto scaled = eval(gradient(0.5 * pow<2>(x - y), wrt(x)), at(x = 0.1 + 0.2, y = 0.3));
  CHECK(scaled[0] == residual);
}

}  // namespace

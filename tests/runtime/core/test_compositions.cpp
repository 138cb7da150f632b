// Random compositions at least 4 deep, first and second derivatives against
// finite differences. The compositions are drawn at compile time from a seed,
// so each one is a distinct expression type.
#include "derivative_checks.hpp"

namespace {

using namespace ctdiff;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto z = var<"z">;

constexpr unsigned next(unsigned seed) { return seed * 1103515245u + 12345u; }

// Every operation used keeps values finite on [-2, 2]^3: exp only of tanh,
// and division only by 2 + b^2.
template <unsigned Seed, int Depth>
constexpr auto random_expression() {
  constexpr unsigned seed = next(Seed);
  constexpr unsigned pick = (seed >> 16) % 10;
  if constexpr (Depth == 0) {
    if constexpr (pick % 3 == 0) {
      return x;
    } else if constexpr (pick % 3 == 1) {
      return y;
    } else {
      return z;
    }
  } else {
    constexpr auto a = random_expression<seed, Depth - 1>();
    constexpr auto b = random_expression < next(seed ^ 0x9e3779b9u), Depth - 2 < 0 ? 0 : Depth - 2 > ();
    if constexpr (pick == 0) return sin(a);
    if constexpr (pick == 1) return cos(a) * b;
    if constexpr (pick == 2) return tanh(a) + b;
    if constexpr (pick == 3) return sigmoid(a);
    if constexpr (pick == 4) return pow<2>(a) - b;
    if constexpr (pick == 5) return exp(tanh(a));
    if constexpr (pick == 6) return a + 0.5 * b;
    if constexpr (pick == 7) return a * b;
    if constexpr (pick == 8) return a / (2 + b * b);
    if constexpr (pick == 9) return sqrt(1 + a * a) - b;
  }
}

template <unsigned... Seeds>
void check_compositions(std::integer_sequence<unsigned, Seeds...>) {
  auto p = GENERATE(take(6, chunk(3, random(-2.0, 2.0))));
  auto b = at(x = p[0], y = p[1], z = p[2]);
  auto check = [&](auto e) {
    ctdiff_test::require_first_derivatives(e, wrt(x, y, z), b);
    ctdiff_test::require_second_derivatives(e, wrt(x, y, z), b);
  };
  (check(random_expression<Seeds, 4>()), ...);
}

TEST_CASE("random compositions 4 deep: gradient and Hessian match finite differences") {
  check_compositions(std::integer_sequence<unsigned, 1, 2, 3, 4, 5, 6, 7, 8>{});
}

TEST_CASE("a fixed deep composition: gradient and Hessian match finite differences") {
  auto p = GENERATE(take(10, chunk(3, random(-2.0, 2.0))));
  auto b = at(x = p[0], y = p[1], z = p[2]);
  auto e = sigmoid(tanh(sin(x * y) + cos(z)) * exp(tanh(x - z))) / (2 + pow<2>(sin(y * z)));
  ctdiff_test::require_first_derivatives(e, wrt(x, y, z), b);
  ctdiff_test::require_second_derivatives(e, wrt(x, y, z), b);
}

}  // namespace

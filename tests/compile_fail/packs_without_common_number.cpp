// Must not compile: a pack of doubles and a pack of floats bound side by side.
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/simd.hpp>

int main() {
  constexpr auto x = ctdiff::var<"x">;
  constexpr auto a = ctdiff::var<"a">;
  const auto doubles = ctdiff::pack<double>(1.0);
  const auto floats = ctdiff::pack<float>(2.0f);
  const auto value = ctdiff::eval(a * ctdiff::exp(x), ctdiff::at(x = doubles, a = floats));
  return value > 0;
}

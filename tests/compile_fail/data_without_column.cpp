// Must not compile: data(...) holds a constant but no column, so there are no samples.
#include <ctdiff/ctdiff.hpp>
int main() {
  constexpr auto w = ctdiff::var<"w">;
  constexpr auto lambda = ctdiff::var<"lambda">;
  auto r = ctdiff::fit(lambda * ctdiff::pow<2>(w - 1), ctdiff::params(w = 0.0), ctdiff::data(lambda = 1e-3));
  return r.epochs > 0;
}

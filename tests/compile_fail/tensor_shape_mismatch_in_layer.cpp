// Must not compile: W1 is 8x12 and x has 13 rows, inside a two-layer model.
#include <ctdiff/ctdiff.hpp>
int main() {
  constexpr auto W1 = ctdiff::matrix<"W1", 8, 12>;
  constexpr auto W2 = ctdiff::matrix<"W2", 3, 8>;
  constexpr auto b1 = ctdiff::vector<"b1", 8>;
  constexpr auto b2 = ctdiff::vector<"b2", 3>;
  constexpr auto x = ctdiff::vector<"x", 13>;
  [[maybe_unused]] constexpr auto model = W2 * tanh(W1 * x + b1) + b2;
}

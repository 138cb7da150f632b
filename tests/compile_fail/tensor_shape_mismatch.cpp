// Must not compile: a 4x2 matrix times a 3-vector.
#include <ctdiff/ctdiff.hpp>

int main() {
  constexpr auto W = ctdiff::matrix<"W", 4, 2>;
  constexpr auto x = ctdiff::vector<"x", 3>;
  [[maybe_unused]] constexpr auto product = W * x;
}

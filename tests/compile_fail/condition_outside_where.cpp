// Must not compile: a comparison is a condition, for where(...) only, not a number.
#include <ctdiff/ctdiff.hpp>

int main() {
  constexpr auto x = ctdiff::var<"x">;
  auto e = (x > 0) * 2.0;
  (void)e;
}

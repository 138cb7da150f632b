// Must not compile: a comparison is a condition, for where(...) only; it has no value of its own.
#include <ctdiff/ctdiff.hpp>

int main() {
  constexpr auto x = ctdiff::var<"x">;
  auto value = ctdiff::eval(x > 0, ctdiff::at(x = 1.0));
  (void)value;
}

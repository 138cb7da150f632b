// Must not compile: a std::string is not an operand of an expression.
#include <ctdiff/ctdiff.hpp>
#include <string>

int main() {
  constexpr auto x = ctdiff::var<"x">;
  auto e = x + std::string("1");
  (void)e;
}

// Must not compile: a std::string is neither a number nor a range of numbers.
#include <ctdiff/ctdiff.hpp>
#include <string>
int main() {
  constexpr auto x = ctdiff::var<"x">;
  std::string text = "2";
  return static_cast<int>(ctdiff::eval(x * x, ctdiff::at(x = text)));
}

// to_string and to_latex: readable formulas with the fewest parentheses.
#include <catch2/catch.hpp>
#include <ctdiff/ctdiff.hpp>

namespace {

using namespace ctdiff;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;

TEST_CASE("to_string writes infix with the symbols' names and ^ for integer powers") {
  CHECK(to_string(d(x * x * x, x)) == "3*x^2");
  CHECK(to_string(x * y + 1) == "x*y + 1");
  CHECK(to_string((x + y) * (x - y)) == "(x + y)*(x - y)");
  CHECK(to_string(x - (y - x)) == "x - (y - x)");
  CHECK(to_string(x / (y * (x + 1))) == "x/(y*(x + 1))");
  CHECK(to_string(x / (y * x)) == "1/y");  // x cancels
  CHECK(to_string(pow<-1>(x + 1)) == "(x + 1)^-1");
  CHECK(to_string(pow(x, y)) == "x^y");
  CHECK(to_string(3 * -sin(x)) == "-3*sin(x)");
  CHECK(to_string(x * -y) == "-x*y");
  CHECK(to_string(0.25 * x) == "0.25*x");
  CHECK(to_string(d(0.5 * pow<2>(x), x)) == "x");  // 0.5*2 folds to a literal 1, left unwritten
  CHECK(to_string(d(-0.5 * pow<2>(x + y), x)) == "-(x + y)");
  CHECK(to_string(d(sigmoid(x), x)) == "sigmoid(x)*(1 - sigmoid(x))");
  CHECK(to_string(d(tanh(x), x)) == "1 - tanh(x)^2");
  CHECK(to_string(d(log(x), x)) == "1/x");
  CHECK(to_string(d(sqrt(x), x)) == "1/(2*sqrt(x))");
  CHECK(to_string(d(1 / x, x)) == "-1/x^2");
}

TEST_CASE("UTF-8 symbol names print as written") {
  constexpr auto theta0 = var<"θ0">;
  CHECK(to_string(d(theta0 * theta0 * x, theta0)) == "2*x*θ0");
}

TEST_CASE("to_latex writes LaTeX") {
  CHECK(to_latex(d(x * x * x, x)) == "3 x^{2}");
  CHECK(to_latex(x / (y + 1)) == "\\frac{x}{y + 1}");
  // One rule for products: juxtaposition, and \cdot only before a number.
  CHECK(to_latex(sigmoid(x) * sqrt(y)) == "\\sigma\\left(x\\right) \\sqrt{y}");
  CHECK(to_latex(d(x * x * x, x) * sqrt(y)) == "3 x^{2} \\sqrt{y}");
  CHECK(to_latex(x * pow(y, 2.5)) == "x y^{2.5}");
  CHECK(to_latex(pow<2>(x + 1) * 3 * y) == "3 \\left(x + 1\\right)^{2} y");
  CHECK(to_latex(x * (2 * y)) == "x \\cdot 2 y");
  CHECK(to_latex(pow<2>(x + y)) == "\\left(x + y\\right)^{2}");
}

}  // namespace

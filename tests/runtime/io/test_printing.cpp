// to_string and to_latex: readable formulas with the fewest parentheses.
#include <catch2/catch.hpp>
#include <ctdiff/ctdiff.hpp>
#include <string>
#include <string_view>
#include <utility>

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

TEST_CASE("to_latex sets names as SymPy's latex() does, and a multi-letter name upright") {
  const std::pair<std::string, std::string_view> names[] = {
      {to_latex(var<"x">), "x"},
      {to_latex(var<"S">), "S"},
      {to_latex(var<"x1">), "x_{1}"},
      {to_latex(var<"x12">), "x_{12}"},
      {to_latex(var<"x_1">), "x_{1}"},
      {to_latex(var<"x_i">), "x_{i}"},
      {to_latex(var<"V_max">), "V_{\\mathrm{max}}"},
      {to_latex(var<"Vmax">), "\\mathrm{Vmax}"},
      {to_latex(var<"rate">), "\\mathrm{rate}"},
      {to_latex(var<"x1y">), "\\mathrm{x1y}"},
      {to_latex(var<"theta">), "\\theta"},
      {to_latex(var<"theta0">), "\\theta_{0}"},
      {to_latex(var<"alpha">), "\\alpha"},
      {to_latex(var<"lambda">), "\\lambda"},
      {to_latex(var<"lamda">), "\\lambda"},
      {to_latex(var<"Gamma">), "\\Gamma"},
      {to_latex(var<"Alpha">), "A"},
      {to_latex(var<"omicron">), "o"},
      {to_latex(var<"varphi">), "\\varphi"},
      {to_latex(var<"sigma_w">), "\\sigma_{w}"},
      {to_latex(var<"θ">), "\\theta"},
      {to_latex(var<"θ0">), "\\theta_{0}"},
      {to_latex(var<"β12">), "\\beta_{12}"},
      {to_latex(var<"Ω">), "\\Omega"},
      {to_latex(var<"λ_max">), "\\lambda_{\\mathrm{max}}"},
      {to_latex(var<"é">), "é"},
      {to_latex(let<"h1">(x * y)), "h_{1}"},
      {to_latex(let<"hidden">(x * y)), "\\mathrm{hidden}"},
  };
  for (const auto& [printed, expected] : names) CHECK(printed == expected);
}

TEST_CASE("to_latex separates a product where juxtaposition would misread") {
  constexpr auto Vmax = var<"Vmax">;
  constexpr auto S = var<"S">;
  constexpr auto Km = var<"Km">;
  constexpr auto theta0 = var<"θ0">;
  // Single letters, Greek letters and subscripted names juxtapose, as in SymPy;
  // an upright name meets its neighbour with \cdot, as a number does.
  CHECK(to_latex(x * y) == "x y");
  CHECK(to_latex(theta0 * x) == "\\theta_{0} x");
  CHECK(to_latex(Vmax * S) == "\\mathrm{Vmax} \\cdot S");
  CHECK(to_latex(S * Vmax) == "S \\cdot \\mathrm{Vmax}");
  CHECK(to_latex(Vmax * (Km + S)) == "\\mathrm{Vmax} \\cdot \\left(\\mathrm{Km} + S\\right)");
  CHECK(to_latex(pow<2>(Vmax) * S) == "\\mathrm{Vmax}^{2} S");
  CHECK(to_latex(Vmax * S / (Km + S)) == "\\frac{\\mathrm{Vmax} \\cdot S}{\\mathrm{Km} + S}");
  CHECK(to_latex(d(var<"rate"> - Vmax * S / (Km + S), Km)) ==
        "\\frac{\\mathrm{Vmax} \\cdot S}{\\left(\\mathrm{Km} + S\\right)^{2}}");
  CHECK(to_latex(d(var<"rate"> - Vmax * S / (Km + S), Km, Km)) ==
        "-2 \\frac{\\mathrm{Vmax} \\cdot S}{\\left(\\mathrm{Km} + S\\right)^{3}}");
}

}  // namespace

// Printed derivatives read as a careful person writes them, and mean what
// the derivative computes: each printed formula is read back by an evaluator
// written apart from the library (formula_reader.hpp) at random points and
// compared with eval(d(...)). A sign stands only in front of a term: no
// printed form has two signs in a row or a sign after * or /.
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <map>
#include <random>
#include <string>
#include <string_view>

#include "close_to.hpp"
#include "formula_reader.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
constexpr auto a = var<"a">;
constexpr auto b = var<"b">;
constexpr auto u = var<"u">;
constexpr auto v = var<"v">;
constexpr auto w = var<"w">;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
// Michaelis–Menten: the residual of a rate against the substrate concentration S.
constexpr auto rate = var<"rate">;
constexpr auto Vmax = var<"Vmax">;
constexpr auto S = var<"S">;
constexpr auto Km = var<"Km">;
constexpr auto residual = rate - Vmax * S / (Km + S);

// No sign after an operator and no two signs in a row.
void require_signs_in_front(const std::string& printed) {
  INFO(printed);
  for (std::string_view misplaced : {"*-", "/-", "--", "+ -", "- -"}) {
    CHECK(printed.find(misplaced) == std::string::npos);
  }
}

// The printed d(e, s) evaluates to eval(d(e, s)) at 20 random points with every symbol in [0.1, 2],
// and its signs stand in front.
template <class E, class Symbol>
void require_printed_derivative_means_it(const E& e, Symbol s) {
  const std::string printed = to_string(d(e, s));
  INFO("d(" << to_string(e) << ") printed as " << printed);
  require_signs_in_front(printed);
  std::mt19937_64 generator(7);
  std::uniform_real_distribution<double> uniform(0.1, 2.0);
  for (int trial = 0; trial != 20; ++trial) {
    const double va = uniform(generator), vb = uniform(generator), vu = uniform(generator), vv = uniform(generator),
                 vw = uniform(generator), vx = uniform(generator), vy = uniform(generator), vrate = uniform(generator),
                 vVmax = uniform(generator), vS = uniform(generator), vKm = uniform(generator);
    const auto point =
        at(a = va, b = vb, u = vu, v = vv, w = vw, x = vx, y = vy, rate = vrate, Vmax = vVmax, S = vS, Km = vKm);
    const std::map<std::string, long double> values{{"a", va},       {"b", vb}, {"u", vu},  {"v", vv},
                                                    {"w", vw},       {"x", vx}, {"y", vy},  {"rate", vrate},
                                                    {"Vmax", vVmax}, {"S", vS}, {"Km", vKm}};
    const double expected = eval(d(e, s), point);
    REQUIRE(static_cast<double>(ctdiff_test::formula_value(printed, values)) == close_to(expected, 1e-12, 1e-12));
  }
}

TEST_CASE("a sum with a negative term prints as a difference") {
  constexpr auto rosenbrock = pow<2>(1 - a) + 100 * pow<2>(b - a * a);
  CHECK(to_string(d(rosenbrock, a)) == "-2*(1 - a) - 400*(b - a^2)*a");
  CHECK(to_latex(d(rosenbrock, a)) == "-2 \\left(1 - a\\right) - 400 \\left(b - a^{2}\\right) a");
  CHECK(to_string(x - -2.0 * y) == "x + 2*y");
  CHECK(to_string(x + -y) == "x - y");
  require_printed_derivative_means_it(rosenbrock, a);
  require_printed_derivative_means_it(rosenbrock, b);
}

TEST_CASE("constants gather across a quotient, and 1/e times u prints as u/e") {
  constexpr auto radius = sqrt(u * u + v + 3);
  CHECK(to_string(d(radius, u)) == "u/sqrt(u^2 + v + 3)");
  CHECK(to_latex(d(radius, u)) == "\\frac{u}{\\sqrt{u^{2} + v + 3}}");
  CHECK(to_string(d(sqrt(x), x) * y) == "y/(2*sqrt(x))");
  CHECK(to_string(d(log(x), x) * y) == "y/x");
  require_printed_derivative_means_it(radius, u);
  require_printed_derivative_means_it(radius, v);
}

TEST_CASE("the seed models' derivatives print and mean what they compute") {
  constexpr auto relu_neuron = pow<2>(relu(w * x + b) - y);
  constexpr auto sigmoid_neuron = 0.5 * pow<2>(sigmoid(w * x + b) - y);
  constexpr auto quadratic = pow<2>(a * pow<2>(x) + b * x + u - y);
  CHECK(to_string(d(relu_neuron, w)) == "2*(relu(w*x + b) - y)*step(w*x + b)*x");
  CHECK(to_string(d(sigmoid_neuron, b)) == "(sigmoid(w*x + b) - y)*sigmoid(w*x + b)*(1 - sigmoid(w*x + b))");
  CHECK(to_string(d(quadratic, a)) == "2*(a*x^2 + b*x + u - y)*x^2");
  require_printed_derivative_means_it(relu_neuron, w);
  require_printed_derivative_means_it(relu_neuron, b);
  require_printed_derivative_means_it(sigmoid_neuron, w);
  require_printed_derivative_means_it(sigmoid_neuron, b);
  require_printed_derivative_means_it(quadratic, a);
  require_printed_derivative_means_it(quadratic, u);
  require_printed_derivative_means_it(d(quadratic, b), b);
}

TEST_CASE("a sign inside a product or a quotient moves to its front, and two signs cancel") {
  CHECK(to_string(d(residual, Km)) == "Vmax*S/(Km + S)^2");
  CHECK(to_string(d(residual, Vmax)) == "-S/(Km + S)");
  CHECK(to_string(d(0.5 * pow<2>(residual), Km)) == "(rate - Vmax*S/(Km + S))*Vmax*S/(Km + S)^2");
  CHECK(to_string(d(0.5 * pow<2>(residual), Vmax)) == "-(rate - Vmax*S/(Km + S))*S/(Km + S)");
  // Runtime literals keep their sign in the node; it is written in front all the same.
  CHECK(to_string(x * (-0.5 * y)) == "-x*0.5*y");
  CHECK(to_string(x / (-0.5 * y)) == "-x/(0.5*y)");
  CHECK(to_string(x - (-0.5 * y - x)) == "x - (-0.5*y - x)");
  CHECK(to_string(x + (-0.5 * y - x)) == "x - 0.5*y - x");
  CHECK(to_string(sin(-0.5 * x) * -y) == "-sin(-0.5*x)*y");
  CHECK(to_string(d(0.5 * pow<2>(residual), Km, Km)) ==
        "(Vmax*S)^2/(Km + S)^4 - 2*(rate - Vmax*S/(Km + S))*Vmax*S/(Km + S)^3");
  require_printed_derivative_means_it(residual, Km);
  require_printed_derivative_means_it(residual, Vmax);
  require_printed_derivative_means_it(0.5 * pow<2>(residual), Km);
  require_printed_derivative_means_it(0.5 * pow<2>(residual), Vmax);
  require_printed_derivative_means_it(d(0.5 * pow<2>(residual), Km), Km);
  require_printed_derivative_means_it(d(0.5 * pow<2>(residual), Km), Vmax);
  require_printed_derivative_means_it(x * (-0.5 * y) + x / (-0.5 * y), y);
  require_printed_derivative_means_it(x * (x - (-0.5 * y - x)), x);
}

TEST_CASE("like factors collect across the factors and the quotient between them") {
  CHECK(to_string(d(a * exp(-b * x), b)) == "-a*exp(-b*x)*x");
  CHECK(to_string(d(a * exp(-b * x), b, b)) == "a*x^2*exp(-b*x)");
  CHECK(to_string(d(residual, Km, Km)) == "-2*Vmax*S/(Km + S)^3");
  CHECK(to_string(x * (sin(y) * x)) == "x^2*sin(y)");
  CHECK(to_string((x * sin(y)) * (y * x)) == "x^2*sin(y)*y");
  CHECK(to_string(x * y / (y * u)) == "x/u");
  CHECK(to_string(pow<3>(x) * sin(y) / (u * x)) == "x^2*sin(y)/u");
  CHECK(to_string(u * sin(y) / pow<3>(x) * x) == "u*sin(y)/x^2");
  // A runtime literal makes a factor its own: sin(0.5*x) and sin(0.25*x) have one type.
  CHECK(to_string(sin(0.5 * x) * sin(0.25 * x)) == "sin(0.5*x)*sin(0.25*x)");
  require_printed_derivative_means_it(d(a * exp(-b * x), b), b);
  require_printed_derivative_means_it(d(residual, Km), Km);
  require_printed_derivative_means_it(d(residual, Km), Vmax);
  require_printed_derivative_means_it(x * y / (y * u) + pow<3>(x) * sin(y) / (u * x), x);
  require_printed_derivative_means_it(sin(0.5 * x) * sin(0.25 * x) * x, x);
}

}  // namespace

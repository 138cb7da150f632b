// The functions are found by argument-dependent lookup, without a using-directive,
// next to the <cmath> overloads for numbers. Compiling this file is passing.
#include <cmath>
#include <ctdiff/ctdiff.hpp>
#include <type_traits>

namespace {

constexpr auto x = ctdiff::var<"x">;

static_assert(ctdiff::Expression<decltype(sin(x) + cos(x) + exp(x) + log(x) + sqrt(x) + tanh(x))>);
static_assert(ctdiff::Expression<decltype(sigmoid(x) + relu(x) + abs(x) + pow<3>(x) + pow(x, 0.5))>);
static_assert(std::is_same_v<decltype(sin(1.0)), double>, "numbers still reach std::sin");
static_assert(std::is_same_v<decltype(eval(d(x * x, x), ctdiff::at(x = 1.0))), double>);

}  // namespace

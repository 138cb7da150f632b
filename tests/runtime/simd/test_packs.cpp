// Packs of samples: xsimd's batches bound in at(...). Every function's lanes
// against the scalar function over its domain, in ulps; models' values,
// gradients and Hessians lane by lane against scalar evaluation; conditions
// as blends, exactly; simd::fit and simd::predict against fit and predict.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/simd.hpp>
#include <limits>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "close_to.hpp"
#include "decay_data.hpp"
#include "ulps.hpp"

namespace {

using namespace ctdiff;
using ctdiff_test::close_to;
using ctdiff_test::ulps_apart;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto a = var<"a">;
constexpr auto b = var<"b">;
constexpr auto c = var<"c">;

// A user's function whose value lambda serves numbers and packs: std::abs for
// a number, xsimd's abs for a pack, found by argument-dependent lookup.
constexpr auto softsign = function<"softsign">(
    [](auto t) {
      using std::abs;
      return t / (decltype(t)(1) + abs(t));
    },
    [](const auto& u) { return 1 / pow<2>(1 + abs(u)); });

template <class T>
std::array<T, pack<T>::size> lanes_of(const pack<T>& p) {
  std::array<T, pack<T>::size> values{};
  p.store_unaligned(values.data());
  return values;
}

// The largest distance between e evaluated on packs and on single numbers,
// over `count` points spread evenly on [low, high].
template <class T, class E>
std::int64_t largest_ulp_difference(const E& e, T low, T high, int count = 20000) {
  using P = pack<T>;
  std::int64_t largest = 0;
  for (int i = 0; i < count; i += static_cast<int>(P::size)) {
    std::array<T, P::size> points{};
    for (std::size_t k = 0; k != P::size; ++k) points[k] = low + (high - low) * T(i + int(k)) / T(count);
    const auto packed = lanes_of(eval(e, at(x = P::load_unaligned(points.data()))));
    for (std::size_t k = 0; k != P::size; ++k) {
      largest = std::max(largest, ulps_apart(packed[k], eval(e, at(x = points[k]))));
    }
  }
  return largest;
}

// f on packs of doubles at each of `points` in the first lane, beside 0.5 and
// beside NaN in the others (a NaN makes the pack take another path), against
// the standard library's function.
template <class E, class Scalar, std::size_t N>
void check_ends_of_range(const E& f, Scalar scalar, const std::array<double, N>& points) {
  using P = pack<double>;
  for (double point : points) {
    for (double other : {0.5, std::numeric_limits<double>::quiet_NaN()}) {
      std::array<double, P::size> values;
      values.fill(other);
      values[0] = point;
      const auto packed = lanes_of(eval(f, at(x = P::load_unaligned(values.data()))));
      INFO(point << " beside " << other);
      CHECK(ulps_apart(packed[0], scalar(point)) <= 2);
      CHECK(ulps_apart(packed.back(), scalar(values.back())) <= 2);
    }
  }
}

// Beyond ±708 a double's 2^k leaves the normal range (e^x is made as a
// product of two powers of 2 that overflows or underflows through the
// subnormals as e^x does), and a NaN or ±∞ has no exponent.
TEST_CASE("exp of packs at the ends of its range and of NaN is the standard library's") {
  constexpr double infinity = std::numeric_limits<double>::infinity();
  CHECK(largest_ulp_difference(exp(x), -746.0, -707.0) <= 2);
  CHECK(largest_ulp_difference(exp(x), 707.0, 711.0) <= 2);
  check_ends_of_range(
      exp(x), [](double v) { return std::exp(v); },
      std::array<double, 12>{-infinity, -800, -745.2, -708.4, -708, -1e-300, 0, 1e-300, 708, 709.7, 710, infinity});
  // sigmoid's e^−x, one quotient with its 1/(1 + ·) where e^r is one (SSE2).
  check_ends_of_range(
      sigmoid(x), [](double v) { return 1 / (1 + std::exp(-v)); },
      std::array<double, 10>{-infinity, -800, -745.2, -709.7, -708, 0, 708, 745.2, 800, infinity});
}

// Below −709.78 e^−x overflows and the scalar 1/(1 + exp(−x)) is 0. Where
// sigmoid of double packs is one quotient (without a multiply-add) it is
// e^x's subnormal value, within 2 ulp of the correctly rounded one; elsewhere
// it is the scalar formula's 0.
TEST_CASE("sigmoid of double packs where the scalar formula's e^-x overflows") {
  using P = pack<double>;
  std::int64_t largest = 0;
  for (double point = -745.0; point < -709.8; point += 0.0137) {
    const double packed = lanes_of(eval(sigmoid(x), at(x = P(point))))[0];
    if constexpr (detail::fused_multiply_add_v<P::arch_type>) {
      largest = std::max(largest, ulps_apart(packed, 1 / (1 + std::exp(-point))));
    } else {
      const auto exact = static_cast<double>(1.0L / (1.0L + std::exp(-static_cast<long double>(point))));
      largest = std::max(largest, ulps_apart(packed, exact));
    }
  }
  CHECK(largest <= 2);
}

// log of doubles splits x into its exponent and mantissa in the integer
// lanes: every exponent, the mantissas on both sides of √2 where the split
// changes, and the numbers that go lane by lane (zero, negative, subnormal,
// infinite, NaN); log1p takes log of 1 + x, near 0 where 1 + x rounds most.
TEST_CASE(
    "log and log1p of double packs are within 2 ulp of the standard library's, over every exponent and at the ends of "
    "their range") {
  using P = pack<double>;
  constexpr double infinity = std::numeric_limits<double>::infinity();
  std::int64_t largest = 0;
  const int count = 40000;
  for (int i = 0; i < count; i += static_cast<int>(P::size)) {
    std::array<double, P::size> points{};
    // 2^e·m for e spread over the normal range and m over [1, 2).
    for (std::size_t k = 0; k != P::size; ++k) {
      const int n = i + static_cast<int>(k);
      points[k] = std::ldexp(1.0 + double(n % 1000) / 1000.0, -1021 + (n * 2044) / count);
    }
    const auto packed = lanes_of(eval(log(x), at(x = P::load_unaligned(points.data()))));
    for (std::size_t k = 0; k != P::size; ++k) largest = std::max(largest, ulps_apart(packed[k], std::log(points[k])));
  }
  CHECK(largest <= 2);
  CHECK(largest_ulp_difference(log(x), 0.5, 2.0) <= 2);
  CHECK(largest_ulp_difference(log(x), 1.414, 1.4143) <= 2);
  // Subnormals, scaled into the normal range and their exponent taken back.
  CHECK(largest_ulp_difference(log(x), 1e-320, 2.3e-308) <= 2);
  // log1p by log of u = 1 + x and the part of x that u rounded away.
  CHECK(largest_ulp_difference(log1p(x), -1e-3, 1e-3) <= 2);
  CHECK(largest_ulp_difference(log1p(x), -1e-12, 1e-12) <= 2);
  CHECK(largest_ulp_difference(log1p(x), 1e3, 1e300) <= 2);
  check_ends_of_range(
      log1p(x), [](double v) { return std::log1p(v); },
      std::array<double, 10>{-infinity, -2, -1, -0.0, 1e-300, 2.2e-16, 1e300, std::numeric_limits<double>::max(),
                             infinity, std::numeric_limits<double>::quiet_NaN()});
  check_ends_of_range(
      log(x), [](double v) { return std::log(v); },
      std::array<double, 11>{-infinity, -1, -0.0, 0, 1e-310, std::numeric_limits<double>::min(), 1, std::sqrt(2.0),
                             std::numeric_limits<double>::max(), infinity, std::numeric_limits<double>::quiet_NaN()});
}

TEMPLATE_TEST_CASE("every function on packs is within 2 ulp of the standard library's", "", float, double) {
  using T = TestType;
  const T largest_exponent = sizeof(T) == 8 ? T(700) : T(80);
  CHECK(largest_ulp_difference(exp(x), -largest_exponent, largest_exponent) <= 2);
  CHECK(largest_ulp_difference(exp(x), T(-1), T(1)) <= 2);
  CHECK(largest_ulp_difference(log(x), T(1e-30), T(1e6)) <= 2);
  CHECK(largest_ulp_difference(sqrt(x), T(0), T(1e6)) <= 2);
  CHECK(largest_ulp_difference(sin(x), T(-100), T(100)) <= 2);
  CHECK(largest_ulp_difference(cos(x), T(-100), T(100)) <= 2);
  CHECK(largest_ulp_difference(tanh(x), T(-20), T(20)) <= 2);
  CHECK(largest_ulp_difference(log1p(x), T(-0.999), T(100)) <= 2);
  CHECK(largest_ulp_difference(expm1(x), T(-30), T(30)) <= 2);
  CHECK(largest_ulp_difference(atan(x), T(-100), T(100)) <= 2);
  CHECK(largest_ulp_difference(erf(x), T(-6), T(6)) <= 2);
  CHECK(largest_ulp_difference(pow(x, 2.5), T(0), T(100)) <= 2);
  CHECK(largest_ulp_difference(pow(1.5, x), T(-50), T(50)) <= 2);
  // Formulas of several operations, each rounding on its own in both forms:
  // within the sum of their parts. sigmoid = 1/(1 + exp(-x)), softplus =
  // log1p(exp(-|x|)) + max(x, 0).
  CHECK(largest_ulp_difference(sigmoid(x), T(-30), T(30)) <= 4);
  CHECK(largest_ulp_difference(sigmoid(x), -largest_exponent, largest_exponent) <= 4);
  CHECK(largest_ulp_difference(softplus(x), T(-30), T(30)) <= 4);
  // Blends choose, they do not compute: exact.
  CHECK(largest_ulp_difference(relu(x) + abs(x) + step(x) + sign(x), T(-2), T(2)) == 0);
}

TEST_CASE("a model's value, gradient and Hessian on a pack are its values sample by sample") {
  using P = pack<double>;
  const auto models = std::make_tuple(a * pow<2>(x) + b * x + c - y,                     // quadratic
                                      pow<2>(a * exp(-b * x) + c - y) / 2,               // exp model
                                      c * sigmoid(a * x + b) + a * tanh(b * x - c) - y,  // sigmoid units
                                      where(abs(x - y) <= 1.0, 0.5 * pow<2>(x - y), abs(x - y) - 0.5) * a +
                                          min(a, x) * max(b, c) + clamp(b * x, -1, 1),        // conditions
                                      softsign(a * x - b) * erf(c * x) + pow(a * a + 1, b));  // user function, pow
  std::array<double, P::size> xs{}, ys{};
  for (std::size_t k = 0; k != P::size; ++k) {
    xs[k] = -1.7 + 1.1 * double(k);
    ys[k] = 0.3 - 0.45 * double(k);
  }
  const auto packed =
      at(x = P::load_unaligned(xs.data()), y = P::load_unaligned(ys.data()), a = P(1.3), b = P(-0.4), c = P(0.8));
  auto compare = [&](const auto& model) {
    INFO(to_string(model));
    const auto [value, gradient] = eval_with_value(ctdiff::gradient(model, wrt(a, b, c, x)), packed);
    const auto hessian = eval(ctdiff::hessian(model, wrt(a, b)), packed);
    for (std::size_t k = 0; k != P::size; ++k) {
      const auto scalar = at(x = xs[k], y = ys[k], a = 1.3, b = -0.4, c = 0.8);
      const auto [expected_value, expected_gradient] =
          eval_with_value(ctdiff::gradient(model, wrt(a, b, c, x)), scalar);
      const auto expected_hessian = eval(ctdiff::hessian(model, wrt(a, b)), scalar);
      CHECK(lanes_of(value)[k] == close_to(expected_value, 1e-12, 1e-12));
      for (std::size_t i = 0; i != 4; ++i)
        CHECK(lanes_of(gradient[i])[k] == close_to(expected_gradient[i], 1e-12, 1e-12));
      for (std::size_t i = 0; i != 2; ++i)
        for (std::size_t j = 0; j != 2; ++j)
          CHECK(lanes_of(hessian[i][j])[k] == close_to(expected_hessian[i][j], 1e-12, 1e-12));
    }
  };
  std::apply([&](const auto&... model) { (compare(model), ...); }, models);
}

// The forward pass evaluates independent calls of sigmoid, and of exp, together
// on packs (steps of up to four; five make two steps). The output's partial by a
// unit's weight is that unit's value, exactly: each the bits of its function
// evaluated alone (the arguments exact, so that no contraction to a
// multiply-add changes them); the whole gradient equal to the scalar one lane
// by lane.
template <class Function>
void check_layer_evaluated_together() {
  using P = pack<double>;
  constexpr Function f{};
  static constexpr auto d = var<"d">;
  static constexpr auto e = var<"e">;
  constexpr auto layer = std::make_tuple(f(a * x + b), f(b * x - c), f(c * x + a), f(d * x - e), f(e * x + d));
  constexpr auto weights = std::make_tuple(var<"v0">, var<"v1">, var<"v2">, var<"v3">, var<"v4">);
  constexpr auto output = [&]<std::size_t... J>(std::index_sequence<J...>) {
    return ((std::get<J>(weights) * std::get<J>(layer)) + ...);
  }
  (std::make_index_sequence<5>{});
  constexpr auto with_respect_to = std::apply([](auto... v) { return wrt(v..., a, b, c, d, e); }, weights);
  std::array<double, P::size> xs{};
  for (std::size_t k = 0; k != P::size; ++k) xs[k] = -6.5 + 3.25 * double(k);
  const auto parameters = [&](auto number) {
    const auto [v0, v1, v2, v3, v4] = weights;
    return at(x = number(xs), a = number(1.25), b = number(-0.5), c = number(0.75), d = number(2.5), e = number(-3.0),
              v0 = number(0.5), v1 = number(-1.5), v2 = number(2.0), v3 = number(0.25), v4 = number(-0.75));
  };
  const auto packed = parameters([](const auto& value) {
    if constexpr (std::is_same_v<std::decay_t<decltype(value)>, double>) {
      return P(value);
    } else {
      return P::load_unaligned(value.data());
    }
  });
  const auto gradient = eval(ctdiff::gradient(output, with_respect_to), packed);
  const auto each = std::apply([&](const auto&... unit) { return std::array{lanes_of(eval(unit, packed))...}; }, layer);
  for (std::size_t k = 0; k != P::size; ++k) {
    for (std::size_t j = 0; j != each.size(); ++j) CHECK(lanes_of(gradient[j])[k] == each[j][k]);
    const auto scalar = parameters([&](const auto& value) {
      if constexpr (std::is_same_v<std::decay_t<decltype(value)>, double>) {
        return value;
      } else {
        return value[k];
      }
    });
    const auto expected = eval(ctdiff::gradient(output, with_respect_to), scalar);
    for (std::size_t i = 0; i != expected.size(); ++i)
      CHECK(lanes_of(gradient[i])[k] == close_to(expected[i], 1e-12, 1e-12));
  }
}

TEST_CASE("a layer's calls evaluated together on packs are each call's bits") {
  check_layer_evaluated_together<decltype([](const auto& u) { return sigmoid(u); })>();
  check_layer_evaluated_together<decltype([](const auto& u) { return exp(u); })>();
}

TEST_CASE("a pack binds beside plain numbers, and the result is a pack") {
  using P = pack<double>;
  const auto value = eval(a * x + 1, at(x = P(2.0), a = 3.0));
  STATIC_REQUIRE(std::is_same_v<std::remove_const_t<decltype(value)>, P>);
  for (double lane : lanes_of(value)) CHECK(lane == 7.0);
}

}  // namespace

namespace fitting {

using namespace ctdiff;

TEST_CASE("simd::fit equals fit to rounding, and gives the same bits on any thread count") {
  const ctdiff_test::decay_data d;
  constexpr auto loss = 0.5 * pow<2>(a * exp(-b * x) + c - y);
  auto run = [&](auto fitter, std::size_t threads, optimizer method) {
    return fitter(
        loss, params(a = 1.0, b = 1.0, c = 0.0), data(x = d.xs, y = d.ys),
        options{
            .method = method, .learning_rate = 0.1, .max_epochs = 40, .threads = threads, .split = splitting::always});
  };
  auto scalar_fit = [](const auto&... arguments) { return ctdiff::fit(arguments...); };
  auto packed_fit = [](const auto&... arguments) { return ctdiff::simd::fit(arguments...); };
  for (optimizer method : {optimizer::gradient_descent, optimizer::lbfgs}) {
    INFO(to_string(method));
    const auto expected = run(scalar_fit, 1, method);
    const auto one = run(packed_fit, 1, method), two = run(packed_fit, 2, method);
    // Gradient descent takes the same steps: its parameters agree to 1e-12. L-BFGS
    // stops where its line search no longer sees progress, a point of a flat
    // valley that the gradient's last bits move along: there the losses agree
    // (below), the parameters to 1e-7.
    const double tolerance = method == optimizer::gradient_descent ? 1e-12 : 1e-7;
    CHECK(one[a] == close_to(expected[a], tolerance));
    CHECK(one[b] == close_to(expected[b], tolerance));
    CHECK(one[c] == close_to(expected[c], tolerance, tolerance));
    CHECK(one.loss_per_epoch.back() == close_to(expected.loss_per_epoch.back(), 1e-10));
    CHECK(two[a] == one[a]);
    CHECK(two[b] == one[b]);
    CHECK(two[c] == one[c]);
    CHECK(two.loss_per_epoch == one.loss_per_epoch);
  }
}

TEST_CASE("simd::fit gathers shuffled mini-batches a pack at a time, equal to fit to rounding") {
  const ctdiff_test::decay_data d;
  constexpr auto loss = 0.5 * pow<2>(a * exp(-b * x) + c - y);
  // Batches of 50: no multiple of any width, so each ends with samples one at a time.
  auto run = [&](auto fitter, std::size_t threads) {
    return fitter(loss, params(a = 1.0, b = 1.0, c = 0.0), data(x = d.xs, y = d.ys),
                  options{.method = optimizer::gradient_descent,
                          .learning_rate = 0.05,
                          .max_epochs = 3,
                          .batch_size = 50,
                          .threads = threads,
                          .split = splitting::always,
                          .seed = 11});
  };
  auto scalar_fit = [](const auto&... arguments) { return ctdiff::fit(arguments...); };
  auto packed_fit = [](const auto&... arguments) { return ctdiff::simd::fit(arguments...); };
  const auto expected = run(scalar_fit, 1);
  const auto one = run(packed_fit, 1), two = run(packed_fit, 2);
  // A sample loaded into the wrong lane, or a batch's samples taken in
  // order, would move the steps far beyond rounding.
  CHECK(one[a] == close_to(expected[a], 1e-11));
  CHECK(one[b] == close_to(expected[b], 1e-11));
  CHECK(one[c] == close_to(expected[c], 1e-11, 1e-11));
  REQUIRE(one.loss_per_epoch.size() == expected.loss_per_epoch.size());
  for (std::size_t epoch = 0; epoch != one.loss_per_epoch.size(); ++epoch) {
    CHECK(one.loss_per_epoch[epoch] == close_to(expected.loss_per_epoch[epoch], 1e-11));
  }
  // The lanes add in another order than one sample at a time, so some bits
  // differ: the mini-batches did go a pack at a time.
  CHECK(one.loss_per_epoch != expected.loss_per_epoch);
  CHECK(two[a] == one[a]);
  CHECK(two[b] == one[b]);
  CHECK(two.loss_per_epoch == one.loss_per_epoch);
}

}  // namespace fitting

namespace predicting {

using namespace ctdiff;

TEST_CASE("simd::predict equals predict sample by sample") {
  const ctdiff_test::decay_data d;
  const auto parameters = at(a = 2.5, b = 1.3, c = 0.5);
  const auto model = a * exp(-b * x) + where(x > 0, c, c * c);
  const auto expected = ctdiff::predict(model, parameters, data(x = d.xs));
  const auto packed = simd::predict(model, parameters, data(x = d.xs));
  REQUIRE(packed.size() == expected.size());
  for (std::size_t i = 0; i != packed.size(); ++i) CHECK(packed[i] == close_to(expected[i], 1e-15, 1e-15));
}

}  // namespace predicting

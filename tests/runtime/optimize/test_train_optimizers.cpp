// The optimizer layer, minimize() on a flat parameter array, driven by
// hand-written objectives (no expressions), against results computed here
// independently: closed-form minima, hand-computed steps, reference loops.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <ctdiff/train.hpp>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "close_to.hpp"

using namespace ctdiff;
using ctdiff_test::close_to;

namespace {

// Samples (a_i, b_i) on the line b = 2a + 1; loss_i(p) = ½(p0·a_i + p1 − b_i)².
// Records the sample indices of every call.
struct line_objective {
  std::vector<double> a{0, 1, 2, 3};
  std::vector<double> b{1, 3, 5, 7};
  std::vector<std::vector<std::size_t>> calls;
  std::vector<bool> with_gradient;
  const double* p = nullptr;  // the parameters minimize() updates

  double operator()(std::span<const std::size_t> samples, std::span<double> gradient) {
    calls.emplace_back(samples.begin(), samples.end());
    with_gradient.push_back(!gradient.empty());
    double loss = 0;
    for (std::size_t i : samples) {
      const double residual = p[0] * a[i] + p[1] - b[i];
      loss += 0.5 * residual * residual;
      if (!gradient.empty()) {
        gradient[0] += residual * a[i];
        gradient[1] += residual;
      }
    }
    return loss;
  }
};

// f(p) = ½ pᵀAp − cᵀp with A = [[4, 1], [1, 3]], c = [1, 2]; its minimum is A⁻¹c = [1/11, 7/11].
struct bowl {
  const std::array<double, 2>& p;
  double operator()(std::span<const std::size_t>, std::span<double> gradient) const {
    const double ap0 = 4 * p[0] + p[1];
    const double ap1 = p[0] + 3 * p[1];
    if (!gradient.empty()) {
      gradient[0] += ap0 - 1;
      gradient[1] += ap1 - 2;
    }
    return 0.5 * (p[0] * ap0 + p[1] * ap1) - p[0] - 2 * p[1];
  }
};

// p after each of the first two epochs of a full-batch run with options o on
// the loss ½(p − 3)², gradient p − 3, from p = 0 at learning rate 0.1.
std::array<double, 2> first_two_steps(options o) {
  std::array<double, 1> p{0};
  auto parabola = [&p](std::span<const std::size_t>, std::span<double> gradient) {
    if (!gradient.empty()) gradient[0] += p[0] - 3;
    return 0.5 * (p[0] - 3) * (p[0] - 3);
  };
  std::array<double, 2> steps{};
  o.learning_rate = 0.1;
  o.max_epochs = 2;
  o.on_epoch = [&](const epoch_report& report) {
    if (report.epoch > 0) steps[report.epoch - 1] = p[0];
  };
  minimize(parabola, p, 1, o);
  return steps;
}

}  // namespace

TEST_CASE("every first-order method reaches the minimum of a quadratic bowl") {
  const auto [method, rate] = GENERATE(table<optimizer, double>(
      {{optimizer::gradient_descent, 0.2}, {optimizer::momentum, 0.05}, {optimizer::adam, 0.05}}));
  const std::string method_name(to_string(method));
  CAPTURE(method_name);
  std::array<double, 2> p{0, 0};
  const auto result = minimize(
      bowl{p}, p, 1, {.method = method, .learning_rate = rate, .max_epochs = 100000, .gradient_tolerance = 1e-10});
  REQUIRE(result.stop == stop_reason::gradient_tolerance);
  REQUIRE(result.gradient_norm <= 1e-10);
  // |p - p*| <= |gradient| / (A's smallest eigenvalue, (7 - sqrt(5)) / 2).
  const double distance = 1e-10 / ((7 - std::sqrt(5.0)) / 2);
  REQUIRE(p[0] == close_to(1.0 / 11, 0, distance));
  REQUIRE(p[1] == close_to(7.0 / 11, 0, distance));
}

TEST_CASE("a diverging run stops at the first non-finite loss and keeps the last finite parameters") {
  // loss p², gradient 2p: rate 10 multiplies p by −19 per step until p² overflows.
  std::array<double, 1> p{1};
  auto square = [&](std::span<const std::size_t>, std::span<double> gradient) {
    if (!gradient.empty()) gradient[0] += 2 * p[0];
    return p[0] * p[0];
  };
  const auto result = minimize(square, p, 1, {.learning_rate = 10, .max_epochs = 1000});
  REQUIRE(result.stop == stop_reason::non_finite_loss);
  REQUIRE(result.epochs < 1000);
  REQUIRE(std::isfinite(p[0]));
  REQUIRE(std::isfinite(result.loss_per_epoch.back()));
  REQUIRE(result.loss_per_epoch.back() == p[0] * p[0]);
  REQUIRE(std::isinf((19 * p[0]) * (19 * p[0])));
  REQUIRE(result.loss_per_epoch.size() == result.epochs + 1);
}

TEST_CASE("one batch step moves by the learning rate times the mean of the per-sample gradients") {
  // At p = 0 the residuals are −b, so the mean gradient is −[Σ a·b, Σ b]/4 = −[34, 16]/4.
  line_objective line;
  std::array<double, 2> p{0, 0};
  line.p = p.data();
  minimize(line, p, 4, {.learning_rate = 0.1, .max_epochs = 1});
  REQUIRE(p[0] == close_to(0.1 * 34 / 4, 1e-14));
  REQUIRE(p[1] == close_to(0.1 * 16 / 4, 1e-14));
}

TEST_CASE("momentum's first two steps, worked by hand, with the default momentum and another") {
  // v1 = -0.1 g(0) = 0.3, p1 = 0.3; v2 = μ v1 - 0.1 g(0.3) = 0.3μ + 0.27, p2 = 0.57 + 0.3μ:
  // 0.84 with μ = 0.9, the default, and 0.72 with μ = 0.5. A few roundings: 1e-14.
  const auto by_default = first_two_steps({.method = optimizer::momentum});
  CHECK(by_default[0] == close_to(0.3, 1e-14));
  CHECK(by_default[1] == close_to(0.84, 1e-14));
  const auto half = first_two_steps({.method = optimizer::momentum, .momentum = 0.5});
  CHECK(half[0] == close_to(0.3, 1e-14));
  CHECK(half[1] == close_to(0.72, 1e-14));
}

TEST_CASE("Adam's first two steps, worked by hand, with the defaults and with each of its options changed") {
  // Step t: g = p - 3, m = β1 m + (1 - β1) g, s = β2 s + (1 - β2) g², m̂ = m / (1 - β1^t),
  // ŝ = s / (1 - β2^t), p -= 0.1 m̂ / (sqrt(ŝ) + ε); by hand (50 digits, rounded here to 17):
  // - step 1, any β: g = -3, m̂ = -3, ŝ = 9: p1 = 0.3 / (3 + ε), 0.099999999666666668 for
  //   ε = 1e-8 and 0.075 for ε = 1.
  // - step 2, defaults: g = -2.9000000003333333, m̂ = -0.56000000003333333 / 0.19 =
  //   -2.9473684212280702, ŝ = 0.017401000001933333 / 0.001999 = 8.7048524271802568:
  //   p2 = p1 + 0.1 * 2.9473684212280702 / (2.9503986895299857 + 1e-8) = 0.19989729224944884.
  // - β1 = 0.5: m̂ = -2.2000000001666667 / 0.75 = -2.9333333335555556, p2 = 0.19942159085781149.
  // - β2 = 0.9: ŝ = 1.6510000001933333 / 0.19 = 8.6894736852280702, p2 = 0.19998565292565909.
  // - ε = 1: g = -2.925, m̂ = -0.5625 / 0.19 = -2.9605263157894737, ŝ = 0.017546625 / 0.001999 =
  //   8.7777013506753377, p2 = 0.075 + 0.1 * 2.9605263157894737 / (2.9627185743292152 + 1) = 0.14970947684672797.
  // 1 - 0.999² = 0.001999 loses three digits to cancellation: 1e-13.
  struct worked_case {
    const char* changed;
    options o;
    double p1, p2;
  };
  const worked_case cases[] = {
      {"nothing", {.method = optimizer::adam}, 0.099999999666666668, 0.19989729224944884},
      {"adam_beta1 = 0.5", {.method = optimizer::adam, .adam_beta1 = 0.5}, 0.099999999666666668, 0.19942159085781149},
      {"adam_beta2 = 0.9", {.method = optimizer::adam, .adam_beta2 = 0.9}, 0.099999999666666668, 0.19998565292565909},
      {"adam_epsilon = 1", {.method = optimizer::adam, .adam_epsilon = 1}, 0.075, 0.14970947684672797}};
  for (const worked_case& c : cases) {
    INFO("changed: " << c.changed);
    const auto steps = first_two_steps(c.o);
    CHECK(steps[0] == close_to(c.p1, 1e-13));
    CHECK(steps[1] == close_to(c.p2, 1e-13));
  }
}

TEST_CASE("unshuffled stochastic and mini-batch epochs equal a reference loop over the samples in order") {
  const std::size_t batch_size = GENERATE(1, 2, 3);
  CAPTURE(batch_size);
  line_objective line;
  std::array<double, 2> p{0, 0};
  line.p = p.data();
  const double rate = 0.05;
  minimize(line, p, 4, {.learning_rate = rate, .max_epochs = 2, .batch_size = batch_size, .shuffle = false});

  std::array<double, 2> reference{0, 0};
  for (int epoch = 0; epoch != 2; ++epoch) {
    for (std::size_t start = 0; start < 4; start += batch_size) {
      const std::size_t end = std::min<std::size_t>(start + batch_size, 4);
      std::array<double, 2> sum{0, 0};
      for (std::size_t i = start; i != end; ++i) {
        const double residual = reference[0] * line.a[i] + reference[1] - line.b[i];
        sum[0] += residual * line.a[i];
        sum[1] += residual;
      }
      for (std::size_t k = 0; k != 2; ++k) reference[k] -= rate * sum[k] / double(end - start);
    }
  }
  REQUIRE(p[0] == close_to(reference[0], 1e-14));
  REQUIRE(p[1] == close_to(reference[1], 1e-14));
}

TEST_CASE("a mini-batch epoch visits every sample once, in batches of the given size") {
  line_objective line;
  line.a.push_back(4);
  line.b.push_back(9);
  std::array<double, 2> p{0, 0};
  line.p = p.data();
  const auto result = minimize(line, p, 5, {.learning_rate = 0.01, .max_epochs = 1, .batch_size = 2, .seed = 3});
  // The loss pass over all 5 (no gradient asked for), the 3 batches, the final loss pass.
  REQUIRE(line.calls.size() == 5);
  REQUIRE(line.calls[0].size() == 5);
  REQUIRE_FALSE(line.with_gradient[0]);
  REQUIRE(line.calls[1].size() == 2);
  REQUIRE(line.calls[2].size() == 2);
  REQUIRE(line.calls[3].size() == 1);
  REQUIRE(line.with_gradient[1]);
  std::multiset<std::size_t> visited;
  for (std::size_t call = 1; call != 4; ++call) visited.insert(line.calls[call].begin(), line.calls[call].end());
  REQUIRE(visited == std::multiset<std::size_t>{0, 1, 2, 3, 4});
  REQUIRE(std::isnan(result.gradient_norm));
}

TEST_CASE("the shuffled sample order is a function of the seed") {
  auto order_of_visits = [](std::uint64_t seed) {
    line_objective line;
    std::array<double, 2> p{0, 0};
    line.p = p.data();
    minimize(line, p, 4, {.learning_rate = 0.01, .max_epochs = 5, .batch_size = 1, .seed = seed});
    std::vector<std::size_t> order;
    for (std::size_t call = 0; call != line.calls.size(); ++call) {
      if (line.calls[call].size() == 1) order.push_back(line.calls[call][0]);
    }
    return order;
  };
  const auto first = order_of_visits(5);
  REQUIRE(first.size() == 20);
  REQUIRE(first == order_of_visits(5));
  REQUIRE(first != order_of_visits(6));
  for (std::size_t epoch = 0; epoch != 5; ++epoch) {
    std::vector<std::size_t> visits(first.begin() + 4 * epoch, first.begin() + 4 * epoch + 4);
    std::sort(visits.begin(), visits.end());
    REQUIRE(visits == std::vector<std::size_t>{0, 1, 2, 3});
  }
}

TEST_CASE("Fisher–Yates shuffling makes every permutation about equally likely") {
  std::mt19937_64 generator(11);
  std::map<std::array<std::size_t, 3>, int> counts;
  for (int trial = 0; trial != 6000; ++trial) {
    std::array<std::size_t, 3> items{0, 1, 2};
    fisher_yates_shuffle(items, generator);
    ++counts[items];
  }
  REQUIRE(counts.size() == 6);
  // 1000 expected each; the standard deviation is about 29.
  for (const auto& [permutation, count] : counts) REQUIRE((count > 880 && count < 1120));
  for (std::uint64_t bound : {1, 2, 3, 7}) {
    for (int trial = 0; trial != 100; ++trial) REQUIRE(uniform_below(generator, bound) < bound);
  }
}

TEST_CASE("uniform_between is the generator's output scaled by IEEE arithmetic alone, the same everywhere") {
  // mt19937_64's 10000th output from its default seed is 9981545732273789042 (the C++ standard
  // says so); its top 53 bits as a fraction u of 1 give -1 + 2u = 0.08220135676946572.
  std::mt19937_64 generator;
  generator.discard(9999);
  CHECK(uniform_between(generator, -1, 1) == 0.08220135676946572);
  for (int trial = 0; trial != 1000; ++trial) {
    const double value = uniform_between(generator, 2, 3);
    REQUIRE((value >= 2 && value <= 3));
  }
}

TEST_CASE("the loss tolerance, the epoch limit and the per-epoch callback") {
  line_objective line;
  std::array<double, 2> p{0, 0};
  line.p = p.data();
  const auto converged = minimize(line, p, 4, {.learning_rate = 0.1, .max_epochs = 100000, .loss_tolerance = 1e-12});
  REQUIRE(converged.stop == stop_reason::loss_tolerance);
  const auto& losses = converged.loss_per_epoch;
  REQUIRE(losses.back() <= 1e-12);
  REQUIRE(losses[losses.size() - 2] > 1e-12);

  p = {0, 0};
  std::vector<epoch_report> reports;
  const auto limited =
      minimize(line, p, 4, {.learning_rate = 0.1, .max_epochs = 7, .on_epoch = [&](const epoch_report& report) {
                              reports.push_back(report);
                            }});
  REQUIRE(limited.stop == stop_reason::max_epochs);
  REQUIRE(limited.epochs == 7);
  REQUIRE(limited.loss_per_epoch.size() == 8);
  REQUIRE(reports.size() == 8);
  for (std::size_t epoch = 0; epoch != reports.size(); ++epoch) {
    REQUIRE(reports[epoch].epoch == epoch);
    REQUIRE(reports[epoch].loss == limited.loss_per_epoch[epoch]);
    REQUIRE(reports[epoch].learning_rate == 0.1);
  }
  REQUIRE(reports[0].loss == close_to(0.5 * (1 + 9 + 25 + 49) / 4, 1e-14));
}

TEST_CASE("float parameters train in float") {
  std::array<float, 1> p{4};
  auto square = [&](std::span<const std::size_t>, std::span<float> gradient) {
    if (!gradient.empty()) gradient[0] += 2 * (p[0] - 1);
    return (p[0] - 1) * (p[0] - 1);
  };
  const training_result<float> result = minimize(square, p, 1, {.learning_rate = 0.25, .max_epochs = 100});
  REQUIRE(p[0] == close_to(1.0f, std::numeric_limits<float>::epsilon()));  // 3·2^-100 away, below float's rounding
  REQUIRE(result.loss_per_epoch.front() == 9.0f);
}

TEST_CASE("bad options are rejected before training starts") {
  std::array<double, 2> p{0, 0};
  line_objective line;
  line.p = p.data();
  REQUIRE_THROWS_AS(minimize(line, p, 0), std::invalid_argument);
  REQUIRE_THROWS_AS(minimize(line, p, 4, {.learning_rate = 0}), std::invalid_argument);
  REQUIRE_THROWS_AS(minimize(line, p, 4, {.learning_rate = -1}), std::invalid_argument);
  for (const double rate : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    CAPTURE(rate);
    REQUIRE_THROWS_WITH(minimize(line, p, 4, {.learning_rate = rate}), Catch::Contains("positive and finite"));
  }
  REQUIRE(line.calls.empty());
}

TEST_CASE("a non-finite loss at the start stops at once with the starting parameters") {
  std::array<double, 1> p{-1};
  auto log_loss = [&](std::span<const std::size_t>, std::span<double> gradient) {
    if (!gradient.empty()) gradient[0] += 1 / p[0];
    return std::log(p[0]);
  };
  const auto result = minimize(log_loss, p, 1, {.learning_rate = 0.1, .max_epochs = 10});
  REQUIRE(result.stop == stop_reason::non_finite_loss);
  REQUIRE(result.loss_per_epoch.empty());
  REQUIRE(p[0] == -1);
}

// The fit-loop benchmarks' models (bench/fit_loop_benchmarks.cpp,
// bench/mpi_fit.cpp): the quadratic and a·exp(−b·x) + c, their losses, their
// gradients written by hand, and the samples they are fitted to.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>
#include <random>
#include <vector>

namespace fit_loop_models {

using namespace ctdiff;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
constexpr auto a = var<"a">;
constexpr auto b = var<"b">;
constexpr auto c = var<"c">;
// `count` samples of truth(x) + noise, x and the noise uniform on [−1, 1] (the noise scaled by 0.01), seeded.
struct samples {
  std::vector<double> xs, ys;
  samples(double (*truth)(double), std::size_t count) {
    std::mt19937_64 generator(5);
    std::uniform_real_distribution<double> uniform(-1, 1);
    for (std::size_t i = 0; i != count; ++i) {
      xs.push_back(uniform(generator));
      ys.push_back(truth(xs.back()) + 0.01 * uniform(generator));
    }
  }
};

// ½(a·x² + b·x + c − y)², and ½r² for the residual r = a·exp(−b·x) + c − y.
constexpr auto quadratic_loss = 0.5 * pow<2>(a * pow<2>(x) + b * x + c - y);
constexpr auto decay_residual = a * exp(-b * x) + c - y;
constexpr auto decay_loss = 0.5 * pow<2>(decay_residual);

struct quadratic {
  static constexpr const auto& loss = quadratic_loss;
  static double truth(double v) { return 2 * v * v - v + 0.5; }
  static double add_gradient(const std::array<double, 3>& p, double xv, double yv, std::array<double, 3>& g) {
    const double r = p[0] * xv * xv + p[1] * xv + p[2] - yv;
    g[0] += r * xv * xv;
    g[1] += r * xv;
    g[2] += r;
    return 0.5 * r * r;
  }
};

struct decay {
  static constexpr const auto& loss = decay_loss;
  static constexpr const auto& residual = decay_residual;
  static double truth(double v) { return 2.5 * std::exp(-1.3 * v) + 0.5; }
  static double add_gradient(const std::array<double, 3>& p, double xv, double yv, std::array<double, 3>& g) {
    const double e = std::exp(-p[1] * xv);
    const double r = p[0] * e + p[2] - yv;
    g[0] += r * e;
    g[1] -= r * p[0] * xv * e;
    g[2] += r;
    return 0.5 * r * r;
  }
};

}  // namespace fit_loop_models

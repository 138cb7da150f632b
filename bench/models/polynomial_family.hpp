// A benchmark model: polynomial family (its data, its loss for any scalar type,
// a hand-written gradient and the ctdiff gradient).
#pragma once

#include "common.hpp"  // the standard headers and ctdiff every model uses

namespace bench {

// θ0 + θ1x + ... + θ8x⁸ fitted to noisy samples of cos(2x) by the mean
// squared error: nine parameters as a family, the polynomial as sum<9>.
struct polynomial_family {
  static constexpr const char* name = "polynomial_family";
  static constexpr std::size_t parameter_count = 9;
  struct sample {
    double x, y;
  };
  std::vector<sample> samples;
  std::array<double, parameter_count> parameters{1.0, 0.1, -2.0, 0.05, 0.6, -0.02, -0.1, 0.01, 0.005};

  explicit polynomial_family(std::size_t count) {
    std::mt19937_64 generator(4);
    const auto xs = uniform_values(generator, count, -1.0, 1.0);
    const auto noise = uniform_values(generator, count, -0.05, 0.05);
    for (std::size_t i = 0; i != count; ++i) samples.push_back({xs[i], std::cos(2 * xs[i]) + noise[i]});
  }

  template <class T>
  T loss(const std::array<T, parameter_count>& theta) const {
    T total(0.0);
    for (const auto [x, y] : samples) {
      T value = theta[parameter_count - 1];
      for (std::size_t k = parameter_count - 1; k-- != 0;) value = value * x + theta[k];
      total += (value - y) * (value - y);
    }
    return total / static_cast<double>(samples.size());
  }

  // The powers of x once per sample, the residual from them, then each partial.
  std::array<double, parameter_count> hand_gradient() const {
    const std::array<double, parameter_count> θ = parameters;
    std::array<double, parameter_count> g{};
    for (const sample& s : samples) {
      std::array<double, parameter_count> power;
      power[0] = 1;
      for (std::size_t k = 1; k != parameter_count; ++k) power[k] = power[k - 1] * s.x;
      double value = 0;
      for (std::size_t k = 0; k != parameter_count; ++k) value += θ[k] * power[k];
      const double twice_residual = 2 * (value - s.y);
      for (std::size_t k = 0; k != parameter_count; ++k) g[k] += twice_residual * power[k];
    }
    return mean(g, samples.size());
  }

  // With Packs, a pack of samples at a time (the ctdiff_simd row).
  template <bool Packs = false>
  std::array<double, parameter_count> ctdiff_gradient() const {
    using ctdiff::pow;
    static constexpr auto x = ctdiff::var<"x">;
    static constexpr auto y = ctdiff::var<"y">;
    static constexpr auto theta = ctdiff::vars<"θ", parameter_count>;
    static constexpr auto polynomial = ctdiff::sum<parameter_count>([](auto i) { return theta[i] * pow<i>(x); });
    static constexpr auto gradient = ctdiff::gradient(pow<2>(polynomial - y), ctdiff::wrt(theta));
    const auto bindings = ctdiff::at(theta = parameters, x = 0.0, y = 0.0);
    return ctdiff_mean_gradient<Packs>(gradient, bindings, samples, [](auto& b, sample s) {
      b[x] = s.x;
      b[y] = s.y;
    });
  }
};

}  // namespace bench

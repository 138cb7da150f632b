// A benchmark model: quadratic fit (its data, its loss for any scalar type,
// a hand-written gradient, one written with AVX2 intrinsics, and the ctdiff
// gradient).
#pragma once

#include "avx2.hpp"
#include "common.hpp"  // the standard headers and ctdiff every model uses

namespace bench {

// θ0x² + θ1x + θ2 fitted to noisy samples of 3x² − x + 0.5 by the mean squared error.
struct quadratic_fit {
  static constexpr const char* name = "quadratic_fit";
  static constexpr std::size_t parameter_count = 3;
  struct sample {
    double x, y;
  };
  std::vector<sample> samples;
  std::array<double, parameter_count> parameters{0.7, -0.3, 1.2};

  explicit quadratic_fit(std::size_t count) {
    std::mt19937_64 generator(1);
    const auto xs = uniform_values(generator, count, -2.0, 2.0);
    const auto noise = uniform_values(generator, count, -0.1, 0.1);
    for (std::size_t i = 0; i != count; ++i) samples.push_back({xs[i], 3 * xs[i] * xs[i] - xs[i] + 0.5 + noise[i]});
  }

  template <class T>
  T loss(const std::array<T, parameter_count>& theta) const {
    T total(0.0);
    for (const auto [x, y] : samples) {
      const T residual = theta[0] * (x * x) + theta[1] * x + theta[2] - y;
      total += residual * residual;
    }
    return total / static_cast<double>(samples.size());
  }

  // The parameters are copied to locals first, as ctdiff's bindings do: read
  // through `this` inside the loop, they keep GCC from vectorizing it.
  std::array<double, parameter_count> hand_gradient() const {
    const double θ0 = parameters[0], θ1 = parameters[1], θ2 = parameters[2];
    double g0 = 0, g1 = 0, g2 = 0;
    for (const sample& s : samples) {
      const double x = s.x, xx = x * x;
      const double twice_residual = 2 * (θ0 * xx + θ1 * x + θ2 - s.y);
      g0 += twice_residual * xx;
      g1 += twice_residual * x;
      g2 += twice_residual;
    }
    return mean(std::array{g0, g1, g2}, samples.size());
  }

#if defined(__AVX2__) && defined(__FMA__)
  std::array<double, parameter_count> hand_gradient_avx2() const {
    const __m256d θ0 = _mm256_set1_pd(parameters[0]), θ1 = _mm256_set1_pd(parameters[1]),
                  θ2 = _mm256_set1_pd(parameters[2]), two = _mm256_set1_pd(2.0);
    __m256d g0 = _mm256_setzero_pd(), g1 = _mm256_setzero_pd(), g2 = _mm256_setzero_pd();
    const std::size_t in_packs = samples.size() - samples.size() % avx2::width;
    for (std::size_t i = 0; i != in_packs; i += avx2::width) {
      __m256d x, y;
      avx2::load_pairs(&samples[i].x, x, y);
      const __m256d xx = _mm256_mul_pd(x, x);
      const __m256d prediction = _mm256_fmadd_pd(θ0, xx, _mm256_fmadd_pd(θ1, x, θ2));
      const __m256d twice_residual = _mm256_mul_pd(two, _mm256_sub_pd(prediction, y));
      g0 = _mm256_fmadd_pd(twice_residual, xx, g0);
      g1 = _mm256_fmadd_pd(twice_residual, x, g1);
      g2 = _mm256_add_pd(g2, twice_residual);
    }
    std::array<double, parameter_count> total{avx2::sum(g0), avx2::sum(g1), avx2::sum(g2)};
    for (std::size_t i = in_packs; i != samples.size(); ++i) {
      const double x = samples[i].x, xx = x * x;
      const double twice_residual = 2 * (parameters[0] * xx + parameters[1] * x + parameters[2] - samples[i].y);
      add_to(total, {twice_residual * xx, twice_residual * x, twice_residual});
    }
    return mean(total, samples.size());
  }
#endif

  // With Packs, a pack of samples at a time (the ctdiff_simd row).
  template <bool Packs = false>
  std::array<double, parameter_count> ctdiff_gradient() const {
    using ctdiff::pow;
    static constexpr auto x = ctdiff::var<"x">;
    static constexpr auto y = ctdiff::var<"y">;
    static constexpr auto θ0 = indexed_symbol<"θ", 0>;
    static constexpr auto θ1 = indexed_symbol<"θ", 1>;
    static constexpr auto θ2 = indexed_symbol<"θ", 2>;
    static constexpr auto squared_error = pow<2>(θ0 * pow<2>(x) + θ1 * x + θ2 - y);
    static constexpr auto gradient = ctdiff::gradient(squared_error, ctdiff::wrt(θ0, θ1, θ2));
    const auto bindings = ctdiff::at(θ0 = parameters[0], θ1 = parameters[1], θ2 = parameters[2], x = 0.0, y = 0.0);
    return ctdiff_mean_gradient<Packs>(gradient, bindings, samples, [](auto& b, sample s) {
      b[x] = s.x;
      b[y] = s.y;
    });
  }
};

}  // namespace bench

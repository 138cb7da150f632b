// A benchmark model: exponential decay, the flagship's a·exp(−b·x) + c (its
// data, its loss for any scalar type, a hand-written gradient, one written
// with AVX2 intrinsics, and the ctdiff gradient).
#pragma once

#include "avx2.hpp"
#include "common.hpp"  // the standard headers and ctdiff every model uses

namespace bench {

// a·exp(−b·x) + c fitted to noisy samples of 2.5·exp(−1.3·x) + 0.5 by the mean squared error.
struct exp_decay {
  static constexpr const char* name = "exp_decay";
  static constexpr std::size_t parameter_count = 3;
  struct sample {
    double x, y;
  };
  std::vector<sample> samples;
  std::array<double, parameter_count> parameters{2.0, 1.0, 0.3};

  explicit exp_decay(std::size_t count) {
    std::mt19937_64 generator(2);
    const auto xs = uniform_values(generator, count, 0.0, 4.0);
    const auto noise = uniform_values(generator, count, -0.05, 0.05);
    for (std::size_t i = 0; i != count; ++i) samples.push_back({xs[i], 2.5 * std::exp(-1.3 * xs[i]) + 0.5 + noise[i]});
  }

  template <class T>
  T loss(const std::array<T, parameter_count>& p) const {
    using std::exp;
    T total(0.0);
    for (const auto [x, y] : samples) {
      const T residual = p[0] * exp(-p[1] * x) + p[2] - y;
      total += residual * residual;
    }
    return total / static_cast<double>(samples.size());
  }

  std::array<double, parameter_count> hand_gradient() const {
    const double a = parameters[0], b = parameters[1], c = parameters[2];
    double ga = 0, gb = 0, gc = 0;
    for (const sample& s : samples) {
      const double e = std::exp(-b * s.x);
      const double twice_residual = 2 * (a * e + c - s.y);
      ga += twice_residual * e;
      gb -= twice_residual * a * s.x * e;
      gc += twice_residual;
    }
    return mean(std::array{ga, gb, gc}, samples.size());
  }

#if defined(__AVX2__) && defined(__FMA__)
  std::array<double, parameter_count> hand_gradient_avx2() const {
    const __m256d a = _mm256_set1_pd(parameters[0]), minus_b = _mm256_set1_pd(-parameters[1]),
                  c = _mm256_set1_pd(parameters[2]), two = _mm256_set1_pd(2.0);
    __m256d ga = _mm256_setzero_pd(), gb = _mm256_setzero_pd(), gc = _mm256_setzero_pd();
    const std::size_t in_packs = samples.size() - samples.size() % avx2::width;
    for (std::size_t i = 0; i != in_packs; i += avx2::width) {
      __m256d x, y;
      avx2::load_pairs(&samples[i].x, x, y);
      const __m256d e = avx2::exp(_mm256_mul_pd(minus_b, x));
      const __m256d twice_residual = _mm256_mul_pd(two, _mm256_sub_pd(_mm256_fmadd_pd(a, e, c), y));
      ga = _mm256_fmadd_pd(twice_residual, e, ga);
      gb = _mm256_fnmadd_pd(_mm256_mul_pd(twice_residual, a), _mm256_mul_pd(x, e), gb);
      gc = _mm256_add_pd(gc, twice_residual);
    }
    std::array<double, parameter_count> total{avx2::sum(ga), avx2::sum(gb), avx2::sum(gc)};
    for (std::size_t i = in_packs; i != samples.size(); ++i) {
      const double e = std::exp(-parameters[1] * samples[i].x);
      const double twice_residual = 2 * (parameters[0] * e + parameters[2] - samples[i].y);
      add_to(total, {twice_residual * e, -twice_residual * parameters[0] * samples[i].x * e, twice_residual});
    }
    return mean(total, samples.size());
  }
#endif

  // With Packs, a pack of samples at a time (the ctdiff_simd row).
  template <bool Packs = false>
  std::array<double, parameter_count> ctdiff_gradient() const {
    using ctdiff::exp;
    using ctdiff::pow;
    static constexpr auto x = ctdiff::var<"x">;
    static constexpr auto y = ctdiff::var<"y">;
    static constexpr auto a = ctdiff::var<"a">;
    static constexpr auto b = ctdiff::var<"b">;
    static constexpr auto c = ctdiff::var<"c">;
    static constexpr auto squared_error = pow<2>(a * exp(-b * x) + c - y);
    static constexpr auto gradient = ctdiff::gradient(squared_error, ctdiff::wrt(a, b, c));
    const auto bindings = ctdiff::at(a = parameters[0], b = parameters[1], c = parameters[2], x = 0.0, y = 0.0);
    return ctdiff_mean_gradient<Packs>(gradient, bindings, samples, [](auto& bound, sample s) {
      bound[x] = s.x;
      bound[y] = s.y;
    });
  }
};

}  // namespace bench

// A benchmark model: spring particle (its data, its loss for any scalar type,
// a hand-written gradient and the ctdiff gradient).
#pragma once

#include "common.hpp"  // the standard headers and ctdiff every model uses

namespace bench {

// A particle at (x, y) held by a spring of stiffness k and rest length L to
// each of the anchors, pushed away by a 1/r repulsion and pulled by a
// screened exp(−r) term, with r = √(dx² + dy² + 0.01) (softened: r > 0): the
// energy Σ k(r − L)² + 1/r + exp(−r), averaged over the anchors. r holds a
// runtime literal, so only its name, let<"r">, makes it one value in the
// three terms (issue 9). Parameters: x, y, k, L.
struct spring_particle {
  static constexpr const char* name = "spring_particle";
  static constexpr std::size_t parameter_count = 4;
  static constexpr double softening = 0.01;
  struct sample {
    double x, y;
  };
  std::vector<sample> samples;  // the anchors
  std::array<double, parameter_count> parameters{0.3, -0.2, 1.5, 0.8};

  explicit spring_particle(std::size_t count) {
    std::mt19937_64 generator(5);
    const auto coordinates = uniform_values(generator, 2 * count, -1.0, 1.0);
    for (std::size_t n = 0; n != count; ++n) samples.push_back({coordinates[2 * n], coordinates[2 * n + 1]});
  }

  template <class T>
  T loss(const std::array<T, parameter_count>& p) const {
    using std::exp, std::sqrt;
    T total(0.0);
    for (const auto [ax, ay] : samples) {
      const T dx = p[0] - ax, dy = p[1] - ay;
      const T r = sqrt(dx * dx + dy * dy + softening);
      const T stretch = r - p[3];
      total += p[2] * (stretch * stretch) + 1.0 / r + exp(-r);
    }
    return total / static_cast<double>(samples.size());
  }

  // ∂E/∂r = 2k(r − L) − 1/r² − exp(−r), ∂r/∂x = dx/r, ∂r/∂y = dy/r.
  std::array<double, parameter_count> hand_gradient() const {
    const double x = parameters[0], y = parameters[1], k = parameters[2], L = parameters[3];
    double gx = 0, gy = 0, gk = 0, gL = 0;
    for (const sample& anchor : samples) {
      const double dx = x - anchor.x, dy = y - anchor.y;
      const double r = std::sqrt(dx * dx + dy * dy + softening);
      const double stretch = r - L;
      const double by_r = (2 * k * stretch - 1 / (r * r) - std::exp(-r)) / r;
      gx += by_r * dx;
      gy += by_r * dy;
      gk += stretch * stretch;
      gL -= 2 * k * stretch;
    }
    return mean(std::array{gx, gy, gk, gL}, samples.size());
  }

  // With Packs, a pack of samples at a time (the ctdiff_simd row).
  template <bool Packs = false>
  std::array<double, parameter_count> ctdiff_gradient() const {
    using ctdiff::pow;
    static constexpr auto x = ctdiff::var<"x">;
    static constexpr auto y = ctdiff::var<"y">;
    static constexpr auto k = ctdiff::var<"k">;
    static constexpr auto L = ctdiff::var<"L">;
    static constexpr auto anchor_x = ctdiff::var<"ax">;
    static constexpr auto anchor_y = ctdiff::var<"ay">;
    static constexpr auto r = ctdiff::let<"r">(ctdiff::sqrt(pow<2>(x - anchor_x) + pow<2>(y - anchor_y) + softening));
    static constexpr auto energy = k * pow<2>(r - L) + 1 / r + ctdiff::exp(-r);
    static constexpr auto gradient = ctdiff::gradient(energy, ctdiff::wrt(x, y, k, L));
    const auto bindings = ctdiff::at(x = parameters[0], y = parameters[1], k = parameters[2], L = parameters[3],
                                     anchor_x = 0.0, anchor_y = 0.0);
    return ctdiff_mean_gradient<Packs>(gradient, bindings, samples, [](auto& b, sample anchor) {
      b[anchor_x] = anchor.x;
      b[anchor_y] = anchor.y;
    });
  }
};

}  // namespace bench

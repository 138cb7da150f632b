// A benchmark model: sigmoid network (its data, its loss for any scalar type,
// a hand-written gradient and the ctdiff gradient).
#pragma once

#include "common.hpp"  // the standard headers and ctdiff every model uses

namespace bench {

// A 2→4→1 network: sigmoid hidden units, a linear output, ½(output − y)²
// averaged over the samples. Parameters: unit j's two weights and bias at
// 3j, 3j+1, 3j+2, the output weights at 12..15, the output bias at 16.
struct sigmoid_network {
  static constexpr const char* name = "sigmoid_net";
  static constexpr std::size_t hidden_units = 4;
  static constexpr std::size_t output_weights = 3 * hidden_units;
  static constexpr std::size_t output_bias = output_weights + hidden_units;
  static constexpr std::size_t parameter_count = output_bias + 1;
  struct sample {
    double x1, x2, y;
  };
  std::vector<sample> samples;
  std::array<double, parameter_count> parameters{};

  explicit sigmoid_network(std::size_t count) {
    std::mt19937_64 generator(2);
    const auto inputs = uniform_values(generator, 2 * count, -1.0, 1.0);
    for (std::size_t i = 0; i != count; ++i) {
      const double x1 = inputs[2 * i], x2 = inputs[2 * i + 1];
      samples.push_back({x1, x2, std::sin(2 * x1) * x2 + 0.3});
    }
    const auto initial = uniform_values(generator, parameter_count, -1.0, 1.0);
    std::copy(initial.begin(), initial.end(), parameters.begin());
  }

  template <class T>
  T loss(const std::array<T, parameter_count>& p) const {
    T total(0.0);
    for (const auto [x1, x2, y] : samples) {
      T output = p[output_bias];
      for (std::size_t j = 0; j != hidden_units; ++j)
        output += p[output_weights + j] * sigmoid<T>(p[3 * j] * x1 + p[3 * j + 1] * x2 + p[3 * j + 2]);
      const T residual = output - y;
      total += 0.5 * (residual * residual);
    }
    return total / static_cast<double>(samples.size());
  }

  // Every sigmoid before anything else: all the xmm registers are
  // caller-saved, so a value kept across a call to exp is spilled to memory.
  std::array<double, parameter_count> hand_gradient() const {
    const auto p = parameters;  // a local copy, as in the quadratic fit
    std::array<double, parameter_count> total{};
    for (const auto [x1, x2, y] : samples) {
      std::array<double, hidden_units> activation;
#pragma GCC unroll 4
      for (std::size_t j = 0; j != hidden_units; ++j)
        activation[j] = sigmoid(p[3 * j] * x1 + p[3 * j + 1] * x2 + p[3 * j + 2]);
      double output = p[output_bias];
#pragma GCC unroll 4
      for (std::size_t j = 0; j != hidden_units; ++j) output += p[output_weights + j] * activation[j];
      const double residual = output - y;
      std::array<double, parameter_count> g;
      g[output_bias] = residual;
#pragma GCC unroll 4
      for (std::size_t j = 0; j != hidden_units; ++j) {
        g[output_weights + j] = residual * activation[j];
        const double delta = residual * p[output_weights + j] * (activation[j] * (1 - activation[j]));
        g[3 * j] = delta * x1;
        g[3 * j + 1] = delta * x2;
        g[3 * j + 2] = delta;
      }
      add_to(total, g);
    }
    return mean(total, samples.size());
  }

  template <std::size_t I>
  static constexpr auto parameter = indexed_symbol<"p", I>;
  static constexpr auto x1 = ctdiff::var<"x1">;
  static constexpr auto x2 = ctdiff::var<"x2">;
  static constexpr auto y = ctdiff::var<"y">;

  template <std::size_t J>
  static constexpr auto hidden = ctdiff::sigmoid(parameter<3 * J>* x1 + parameter<3 * J + 1> * x2 +
                                                 parameter<3 * J + 2>);

  template <std::size_t... J>
  static constexpr auto output(std::index_sequence<J...>) {
    return (parameter<output_bias> + ... + (parameter<output_weights + J> * hidden<J>));
  }

  // With Packs, a pack of samples at a time (the ctdiff_simd row).
  template <bool Packs = false>
  std::array<double, parameter_count> ctdiff_gradient() const {
    using ctdiff::pow;
    static constexpr auto squared_error = pow<2>(output(std::make_index_sequence<hidden_units>{}) - y) / 2;
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      static constexpr auto gradient = ctdiff::gradient(squared_error, ctdiff::wrt(parameter<I>...));
      const auto bindings = ctdiff::at((parameter<I> = parameters[I])..., x1 = 0.0, x2 = 0.0, y = 0.0);
      return ctdiff_mean_gradient<Packs>(gradient, bindings, samples, [](auto& b, sample s) {
        b[x1] = s.x1;
        b[x2] = s.x2;
        b[y] = s.y;
      });
    }
    (std::make_index_sequence<parameter_count>{});
  }
};

}  // namespace bench

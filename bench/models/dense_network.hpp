// A benchmark model: dense network (its data, its loss for any scalar type,
// a hand-written gradient and the ctdiff gradient).
#pragma once

#include "common.hpp"  // the standard headers and ctdiff every model uses

namespace bench {

// An Inputs→Hidden→Outputs network whose hidden units feed every output (the
// tutorials' W¹, B¹, W², B²): sigmoid hidden and output units, the loss
// Σ_k (o_k − t_k)² averaged over the samples. Written with scalar symbols,
// each output's expression holds its own copy of every hidden unit, so the
// model is a DAG, not a tree: the ctdiff row measures that each hidden unit
// is computed, and its adjoint passed on, once (issue 9). Parameters: hidden
// unit j's weights then bias at (Inputs + 1)·j + i, then output k's weights
// then bias at output_layer + (Hidden + 1)·k + j.
template <std::size_t Inputs, std::size_t Hidden, std::size_t Outputs>
struct dense_network {
  static_assert(Inputs < 10 && Hidden < 10 && Outputs < 10, "the name below spells each size with one digit");
  static constexpr std::array<char, 16> name_text{'d',
                                                  'e',
                                                  'n',
                                                  's',
                                                  'e',
                                                  '_',
                                                  static_cast<char>('0' + Inputs),
                                                  '_',
                                                  static_cast<char>('0' + Hidden),
                                                  '_',
                                                  static_cast<char>('0' + Outputs)};
  static constexpr const char* name = name_text.data();
  static constexpr std::size_t output_layer = (Inputs + 1) * Hidden;
  static constexpr std::size_t parameter_count = output_layer + (Hidden + 1) * Outputs;

  static constexpr std::size_t hidden_weight(std::size_t j, std::size_t i) { return (Inputs + 1) * j + i; }
  static constexpr std::size_t hidden_bias(std::size_t j) { return hidden_weight(j, Inputs); }
  static constexpr std::size_t output_weight(std::size_t k, std::size_t j) {
    return output_layer + (Hidden + 1) * k + j;
  }
  static constexpr std::size_t output_bias(std::size_t k) { return output_weight(k, Hidden); }

  struct sample {
    std::array<double, Inputs> x;
    std::array<double, Outputs> t;
  };
  std::vector<sample> samples;
  std::array<double, parameter_count> parameters{};

  explicit dense_network(std::size_t count) {
    std::mt19937_64 generator(4);
    const auto inputs = uniform_values(generator, Inputs * count, -1.0, 1.0);
    const auto targets = uniform_values(generator, Outputs * count, 0.1, 0.9);
    for (std::size_t n = 0; n != count; ++n) {
      sample s;
      std::copy_n(inputs.begin() + static_cast<std::ptrdiff_t>(Inputs * n), Inputs, s.x.begin());
      std::copy_n(targets.begin() + static_cast<std::ptrdiff_t>(Outputs * n), Outputs, s.t.begin());
      samples.push_back(s);
    }
    const auto initial = uniform_values(generator, parameter_count, -1.0, 1.0);
    std::copy(initial.begin(), initial.end(), parameters.begin());
  }

  template <class T>
  T loss(const std::array<T, parameter_count>& p) const {
    T total(0.0);
    for (const sample& s : samples) {
      std::array<T, Hidden> activation;
      for (std::size_t j = 0; j != Hidden; ++j) {
        T z = p[hidden_bias(j)];
        for (std::size_t i = 0; i != Inputs; ++i) z += p[hidden_weight(j, i)] * s.x[i];
        activation[j] = sigmoid<T>(z);
      }
      for (std::size_t k = 0; k != Outputs; ++k) {
        T z = p[output_bias(k)];
        for (std::size_t j = 0; j != Hidden; ++j) z += p[output_weight(k, j)] * activation[j];
        const T residual = sigmoid<T>(z) - s.t[k];
        total += residual * residual;
      }
    }
    return total / static_cast<double>(samples.size());
  }

  // Backpropagation as the tutorials write it: δ_k = 2(o_k − t_k)·o_k(1 − o_k),
  // δ_j = (Σ_k δ_k v_kj)·h_j(1 − h_j). The sigmoids of a layer run back to
  // back (a value kept across a call to exp is spilled).
  std::array<double, parameter_count> hand_gradient() const {
    const auto p = parameters;  // a local copy, as in the quadratic fit
    std::array<double, parameter_count> total{};
    for (const sample& s : samples) {
      std::array<double, Hidden> activation;
#pragma GCC unroll 16
      for (std::size_t j = 0; j != Hidden; ++j) {
        double z = p[hidden_bias(j)];
#pragma GCC unroll 16
        for (std::size_t i = 0; i != Inputs; ++i) z += p[hidden_weight(j, i)] * s.x[i];
        activation[j] = sigmoid(z);
      }
      std::array<double, Outputs> output;
#pragma GCC unroll 16
      for (std::size_t k = 0; k != Outputs; ++k) {
        double z = p[output_bias(k)];
#pragma GCC unroll 16
        for (std::size_t j = 0; j != Hidden; ++j) z += p[output_weight(k, j)] * activation[j];
        output[k] = sigmoid(z);
      }
      std::array<double, parameter_count> g;
      std::array<double, Hidden> back{};
#pragma GCC unroll 16
      for (std::size_t k = 0; k != Outputs; ++k) {
        const double delta = 2 * (output[k] - s.t[k]) * (output[k] * (1 - output[k]));
        g[output_bias(k)] = delta;
#pragma GCC unroll 16
        for (std::size_t j = 0; j != Hidden; ++j) {
          g[output_weight(k, j)] = delta * activation[j];
          back[j] += delta * p[output_weight(k, j)];
        }
      }
#pragma GCC unroll 16
      for (std::size_t j = 0; j != Hidden; ++j) {
        const double delta = back[j] * (activation[j] * (1 - activation[j]));
        g[hidden_bias(j)] = delta;
#pragma GCC unroll 16
        for (std::size_t i = 0; i != Inputs; ++i) g[hidden_weight(j, i)] = delta * s.x[i];
      }
      add_to(total, g);
    }
    return mean(total, samples.size());
  }

  template <std::size_t I>
  static constexpr auto parameter = indexed_symbol<"p", I>;
  template <std::size_t I>
  static constexpr auto input = indexed_symbol<"x", I>;
  template <std::size_t K>
  static constexpr auto target = indexed_symbol<"t", K>;

  // Folded left, as written by hand: a_j0·x0 + a_j1·x1 + c_j.
  template <std::size_t J>
  static constexpr auto hidden_unit = []<std::size_t... I>(std::index_sequence<I...>) {
    return ctdiff::sigmoid((... + (parameter<hidden_weight(J, I)> * input<I>)) + parameter<hidden_bias(J)>);
  }
  (std::make_index_sequence<Inputs>{});

  template <std::size_t K>
  static constexpr auto output_unit = []<std::size_t... J>(std::index_sequence<J...>) {
    return ctdiff::sigmoid((... + (parameter<output_weight(K, J)> * hidden_unit<J>)) + parameter<output_bias(K)>);
  }
  (std::make_index_sequence<Hidden>{});

  static constexpr auto squared_error = []<std::size_t... K>(std::index_sequence<K...>) {
    return (... + ctdiff::pow<2>(output_unit<K> - target<K>));
  }
  (std::make_index_sequence<Outputs>{});

  // With Packs, a pack of samples at a time (the ctdiff_simd row).
  template <bool Packs = false>
  std::array<double, parameter_count> ctdiff_gradient() const {
    return [&]<std::size_t... P, std::size_t... I, std::size_t... K>(
        std::index_sequence<P...>, std::index_sequence<I...>, std::index_sequence<K...>) {
      static constexpr auto gradient = ctdiff::gradient(squared_error, ctdiff::wrt(parameter<P>...));
      const auto bindings = ctdiff::at((parameter<P> = parameters[P])..., (input<I> = 0.0)..., (target<K> = 0.0)...);
      return ctdiff_mean_gradient<Packs>(gradient, bindings, samples, [](auto& b, const sample& s) {
        ((b[input<I>] = s.x[I]), ...);
        ((b[target<K>] = s.t[K]), ...);
      });
    }
    (std::make_index_sequence<parameter_count>{}, std::make_index_sequence<Inputs>{},
     std::make_index_sequence<Outputs>{});
  }
};

}  // namespace bench

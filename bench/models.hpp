// The benchmark models, each with its data, its loss written once for
// any scalar type (double for the loss and finite differences, the dual
// numbers of the other libraries for theirs), a hand-written gradient and the
// ctdiff gradient.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace bench {

// θ3, p12: member Index of the family Prefix, so a model's parameters can be
// generated from an index sequence.
template <ctdiff::fixed_string Prefix, std::size_t Index>
inline constexpr auto indexed_symbol = ctdiff::vars<Prefix, Index + 1>[std::integral_constant<std::size_t, Index>{}];

template <std::size_t N>
void add_to(std::array<double, N>& total, const std::array<double, N>& term) {
  for (std::size_t i = 0; i != N; ++i) total[i] += term[i];
}

template <std::size_t N>
std::array<double, N> mean(std::array<double, N> total, std::size_t count) {
  for (double& component : total) component /= static_cast<double>(count);
  return total;
}

// The per-sample ctdiff gradient summed over the samples, then divided by
// their number: the data values are overwritten in place in one set of
// bindings, as a training loop does.
template <class Gradient, class Bindings, class Samples, class BindSample>
auto ctdiff_mean_gradient(const Gradient& gradient, Bindings bindings, const Samples& samples, BindSample bind_sample) {
  decltype(ctdiff::eval(gradient, bindings)) total{};
  for (const auto& sample : samples) {
    bind_sample(bindings, sample);
    add_to(total, ctdiff::eval(gradient, bindings));
  }
  return mean(total, samples.size());
}

inline std::vector<double> uniform_values(std::mt19937_64& generator, std::size_t count, double low, double high) {
  std::uniform_real_distribution<double> distribution(low, high);
  std::vector<double> values(count);
  for (double& value : values) value = distribution(generator);
  return values;
}

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
    return ctdiff_mean_gradient(gradient, bindings, samples, [](auto& b, sample s) {
      b[x] = s.x;
      b[y] = s.y;
    });
  }
};

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

  std::array<double, parameter_count> ctdiff_gradient() const {
    using ctdiff::pow;
    static constexpr auto x = ctdiff::var<"x">;
    static constexpr auto y = ctdiff::var<"y">;
    static constexpr auto theta = ctdiff::vars<"θ", parameter_count>;
    static constexpr auto polynomial = ctdiff::sum<parameter_count>([](auto i) { return theta[i] * pow<i>(x); });
    static constexpr auto gradient = ctdiff::gradient(pow<2>(polynomial - y), ctdiff::wrt(theta));
    const auto bindings = ctdiff::at(theta = parameters, x = 0.0, y = 0.0);
    return ctdiff_mean_gradient(gradient, bindings, samples, [](auto& b, sample s) {
      b[x] = s.x;
      b[y] = s.y;
    });
  }
};

// T given explicitly: the argument may be another library's expression template.
template <class T>
T sigmoid(const T& z) {
  using std::exp;
  return 1.0 / (1.0 + exp(-z));
}

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

  std::array<double, parameter_count> ctdiff_gradient() const {
    using ctdiff::pow;
    static constexpr auto squared_error = pow<2>(output(std::make_index_sequence<hidden_units>{}) - y) / 2;
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      static constexpr auto gradient = ctdiff::gradient(squared_error, ctdiff::wrt(parameter<I>...));
      const auto bindings = ctdiff::at((parameter<I> = parameters[I])..., x1 = 0.0, x2 = 0.0, y = 0.0);
      return ctdiff_mean_gradient(gradient, bindings, samples, [](auto& b, sample s) {
        b[x1] = s.x1;
        b[x2] = s.x2;
        b[y] = s.y;
      });
    }
    (std::make_index_sequence<parameter_count>{});
  }
};

// One ReLU neuron, relu(w·x + b), at one point: the per-call cost.
struct relu_neuron {
  static constexpr const char* name = "relu_neuron";
  static constexpr std::size_t parameter_count = 4;
  std::array<double, 3> inputs{1, -2, 3};
  std::array<double, parameter_count> parameters{-3, -1, 2, 1};  // w1, w2, w3, b

  template <class T>
  T loss(const std::array<T, parameter_count>& p) const {
    const T z = p[0] * inputs[0] + p[1] * inputs[1] + p[2] * inputs[2] + p[3];
    return z > 0.0 ? z : T(0.0);
  }

  std::array<double, parameter_count> hand_gradient() const {
    const auto p = parameters;
    const double z = p[0] * inputs[0] + p[1] * inputs[1] + p[2] * inputs[2] + p[3];
    if (z > 0) return {inputs[0], inputs[1], inputs[2], 1.0};
    return {};
  }

  template <std::size_t I>
  static constexpr auto weight = indexed_symbol<"w", I>;
  template <std::size_t I>
  static constexpr auto input = indexed_symbol<"x", I>;
  static constexpr auto bias = ctdiff::var<"b">;

  std::array<double, parameter_count> ctdiff_gradient() const {
    static constexpr auto neuron =
        ctdiff::relu(weight<0> * input<0> + weight<1> * input<1> + weight<2> * input<2> + bias);
    static constexpr auto gradient = ctdiff::gradient(neuron, ctdiff::wrt(weight<0>, weight<1>, weight<2>, bias));
    return ctdiff::eval(
        gradient, ctdiff::at(weight<0> = parameters[0], weight<1> = parameters[1], weight<2> = parameters[2],
                             bias = parameters[3], input<0> = inputs[0], input<1> = inputs[1], input<2> = inputs[2]));
  }
};

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

  std::array<double, parameter_count> ctdiff_gradient() const {
    return [&]<std::size_t... P, std::size_t... I, std::size_t... K>(
        std::index_sequence<P...>, std::index_sequence<I...>, std::index_sequence<K...>) {
      static constexpr auto gradient = ctdiff::gradient(squared_error, ctdiff::wrt(parameter<P>...));
      const auto bindings = ctdiff::at((parameter<P> = parameters[P])..., (input<I> = 0.0)..., (target<K> = 0.0)...);
      return ctdiff_mean_gradient(gradient, bindings, samples, [](auto& b, const sample& s) {
        ((b[input<I>] = s.x[I]), ...);
        ((b[target<K>] = s.t[K]), ...);
      });
    }
    (std::make_index_sequence<parameter_count>{}, std::make_index_sequence<Inputs>{},
     std::make_index_sequence<Outputs>{});
  }
};

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
    return ctdiff_mean_gradient(gradient, bindings, samples, [](auto& b, sample anchor) {
      b[anchor_x] = anchor.x;
      b[anchor_y] = anchor.y;
    });
  }
};

// matrix·vector for a row-major Rows×Cols matrix, four rows at a time: each
// row's dot product is summed in its own register, in column order, so four
// chains of additions overlap instead of each waiting on the one before.
template <std::size_t Rows, std::size_t Cols, class T, class V>
std::array<T, Rows> matrix_vector_product(const T* matrix, const V* vector) {
  constexpr std::size_t block = 4, blocked_rows = Rows - Rows % block;
  std::array<T, Rows> product;
  for (std::size_t i = 0; i != blocked_rows; i += block) {
    std::array<T, block> totals;
    totals.fill(T(0.0));
    for (std::size_t p = 0; p != Cols; ++p)
      for (std::size_t r = 0; r != block; ++r) totals[r] += matrix[Cols * (i + r) + p] * vector[p];
    std::copy(totals.begin(), totals.end(), product.begin() + i);
  }
  for (std::size_t i = blocked_rows; i != Rows; ++i) {
    T total(0.0);
    for (std::size_t p = 0; p != Cols; ++p) total += matrix[Cols * i + p] * vector[p];
    product[i] = total;
  }
  return product;
}

// The 64→32→10 network of examples/tensor/digits.cpp: a sigmoid hidden layer,
// logits W2·h + b2 and the softmax cross-entropy, averaged over the first
// SampleCount images of the digits data. Parameters in the flat layout of
// wrt(W1, b1, W2, b2), each row-major: W1 (32×64), b1, W2 (10×32), b2. One
// sample is a model of its own: central differences of the batch's loss are
// off by 5e-9 relative, those of one sample's agree to 1e-10.
template <std::size_t SampleCount>
struct digits_network {
  static constexpr const char* name = SampleCount == 1 ? "digits_net_one_sample" : "digits_net";
  static constexpr std::size_t pixels = 64, hidden = 32, classes = 10;
  static constexpr std::size_t first_bias = hidden * pixels;
  static constexpr std::size_t second_weights = first_bias + hidden;
  static constexpr std::size_t second_bias = second_weights + classes * hidden;
  static constexpr std::size_t parameter_count = second_bias + classes;
  std::vector<double> images;   // row-major, one image of `pixels` values in [0, 1] per row
  std::vector<double> one_hot;  // row-major, one row of `classes` values per image
  std::vector<std::size_t> labels;
  std::array<double, parameter_count> parameters{};

  static constexpr auto x = ctdiff::vector<"x", pixels>;
  static constexpr auto y = ctdiff::vector<"y", classes>;
  static constexpr auto W1 = ctdiff::matrix<"W1", hidden, pixels>;
  static constexpr auto b1 = ctdiff::vector<"b1", hidden>;
  static constexpr auto W2 = ctdiff::matrix<"W2", classes, hidden>;
  static constexpr auto b2 = ctdiff::vector<"b2", classes>;
  static constexpr auto weights = ctdiff::wrt(W1, b1, W2, b2);
  static constexpr auto cross_entropy = ctdiff::cross_entropy(W2 * ctdiff::sigmoid(W1 * x + b1) + b2, y);
  // Created once, here: the ctdiff row times the gradient, not an allocation.
  std::unique_ptr<ctdiff::workspace<double, decltype(cross_entropy)>> workspace =
      std::make_unique<ctdiff::workspace<double, decltype(cross_entropy)>>();

  // Weights uniform in ±1/√fan-in per layer, as the example starts them; the
  // biases too, so that their gradients are not those of zero biases.
  explicit digits_network(const char* csv_path) {
    const ctdiff::csv_table table = ctdiff::read_csv(csv_path);
    images.resize(pixels * SampleCount);
    for (std::size_t p = 0; p != pixels; ++p) {
      // Appended rather than "p" + to_string(p), which trips g++ 12's -Wrestrict false positive.
      std::string column_name(1, 'p');
      column_name.append(std::to_string(p));
      const std::vector<double>& column = table[column_name];
      for (std::size_t n = 0; n != SampleCount; ++n) images[pixels * n + p] = column.at(n) / 16;
    }
    one_hot.resize(classes * SampleCount);
    for (std::size_t n = 0; n != SampleCount; ++n) {
      labels.push_back(static_cast<std::size_t>(table["digit"].at(n)));
      one_hot[classes * n + labels.back()] = 1;
    }
    std::mt19937_64 generator(3);
    const auto first_layer = uniform_values(generator, second_weights, -1 / std::sqrt(8.0), 1 / std::sqrt(8.0));
    const auto second_layer =
        uniform_values(generator, parameter_count - second_weights, -1 / std::sqrt(32.0), 1 / std::sqrt(32.0));
    std::copy(first_layer.begin(), first_layer.end(), parameters.begin());
    std::copy(second_layer.begin(), second_layer.end(), parameters.begin() + second_weights);
  }

  const double* image(std::size_t n) const { return images.data() + pixels * n; }

  template <class T>
  T loss(const std::array<T, parameter_count>& p) const {
    using std::exp, std::log;
    T total(0.0);
    for (std::size_t n = 0; n != labels.size(); ++n) {
      auto activation = matrix_vector_product<hidden, pixels>(p.data(), image(n));
      for (std::size_t i = 0; i != hidden; ++i) activation[i] = sigmoid<T>(activation[i] + p[first_bias + i]);
      auto logits = matrix_vector_product<classes, hidden>(p.data() + second_weights, activation.data());
      for (std::size_t k = 0; k != classes; ++k) logits[k] += p[second_bias + k];
      // −log softmax(logits)[label] = log Σ exp(logits) − logits[label], with the largest logit taken out.
      T largest = logits[0];
      for (const T& logit : logits)
        if (logit > largest) largest = logit;
      T exponentials(0.0);
      for (const T& logit : logits) exponentials += exp(logit - largest);
      total += largest + log(exponentials) - logits[labels[n]];
    }
    return total / static_cast<double>(labels.size());
  }

  // Backpropagation by hand, one sample at a time, adding into the gradient:
  // δ2 = softmax − one-hot, ∂W2 = δ2·hᵀ, δ1 = W2ᵀδ2 ⊙ h(1 − h), ∂W1 = δ1·xᵀ.
  // Every inner loop runs along a row of a matrix; the exps of a layer run
  // back to back (a value kept across a call to exp is spilled).
  std::array<double, parameter_count> hand_gradient() const {
    const double* const p = parameters.data();
    std::array<double, parameter_count> total{};
    double* const g = total.data();
    for (std::size_t n = 0; n != labels.size(); ++n) {
      const double* const pixel = image(n);
      auto activation = matrix_vector_product<hidden, pixels>(p, pixel);
      for (std::size_t i = 0; i != hidden; ++i) activation[i] += p[first_bias + i];
      for (double& a : activation) a = sigmoid(a);
      auto delta_output = matrix_vector_product<classes, hidden>(p + second_weights, activation.data());
      for (std::size_t k = 0; k != classes; ++k) delta_output[k] += p[second_bias + k];
      const double largest = *std::max_element(delta_output.begin(), delta_output.end());
      double exponentials = 0;
      for (double& logit : delta_output) exponentials += logit = std::exp(logit - largest);
      for (double& probability : delta_output) probability /= exponentials;
      delta_output[labels[n]] -= 1;

      std::array<double, hidden> delta_hidden{};
      for (std::size_t k = 0; k != classes; ++k) {
        const double delta = delta_output[k];
        g[second_bias + k] += delta;
        double* const row_gradient = g + second_weights + hidden * k;
        const double* const row = p + second_weights + hidden * k;
        for (std::size_t i = 0; i != hidden; ++i) {
          row_gradient[i] += delta * activation[i];
          delta_hidden[i] += delta * row[i];
        }
      }
      for (std::size_t i = 0; i != hidden; ++i) {
        delta_hidden[i] *= activation[i] * (1 - activation[i]);
        g[first_bias + i] += delta_hidden[i];
      }
      for (std::size_t i = 0; i != hidden; ++i) {
        const double delta = delta_hidden[i];
        double* const row_gradient = g + pixels * i;
        for (std::size_t q = 0; q != pixels; ++q) row_gradient[q] += delta * pixel[q];
      }
    }
    return mean(total, labels.size());
  }

  // tensor_objective's loop, written out: the parameters bound as views into
  // the flat array, each sample's image and one-hot row bound beside them,
  // and add_gradient adding into one flat gradient.
  std::array<double, parameter_count> ctdiff_gradient() const {
    static constexpr auto gradient = ctdiff::gradient(cross_entropy, weights);
    const auto parameter_bindings = ctdiff::tensors_in(weights, std::span<const double>(parameters)).bindings();
    std::array<double, parameter_count> total{};
    for (std::size_t n = 0; n != labels.size(); ++n) {
      const auto sample = ctdiff::at(x = std::span<const double, pixels>(image(n), pixels),
                                     y = std::span<const double, classes>(one_hot.data() + classes * n, classes));
      ctdiff::add_gradient(gradient, ctdiff::combine(parameter_bindings, sample), *workspace, std::span<double>(total));
    }
    return mean(total, labels.size());
  }
};

}  // namespace bench

// A benchmark model: relu neuron (its data, its loss for any scalar type,
// a hand-written gradient and the ctdiff gradient).
#pragma once

#include "common.hpp"  // the standard headers and ctdiff every model uses

namespace bench {

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

}  // namespace bench

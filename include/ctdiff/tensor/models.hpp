// Ready-made tensor models: the symbols and expressions of a network, so a
// program, a test and a benchmark that use the same network name it once.
#pragma once

#include <cstddef>
#include <ctdiff/engine/gradient.hpp>
#include <ctdiff/tensor/operations.hpp>

namespace ctdiff {

// A network with one sigmoid hidden layer, written for one sample: input
// x (Inputs values), target y (Outputs values), hidden layer
// sigmoid(W1 x + b1) of Hidden units and output logits W2 h + b2. The loss is
// the caller's (cross_entropy(net.logits, net.y), or anything built from the
// symbols). Use an object, `constexpr two_layer_model<64, 32, 10> net;`, and
// its members: net.x, net.W1, net.logits, net.parameters.
template <std::size_t Inputs, std::size_t Hidden, std::size_t Outputs>
struct two_layer_model {
  static constexpr std::size_t inputs = Inputs, hidden = Hidden, outputs = Outputs;
  static constexpr auto x = vector<"x", Inputs>;
  static constexpr auto y = vector<"y", Outputs>;
  static constexpr auto W1 = matrix<"W1", Hidden, Inputs>;
  static constexpr auto b1 = vector<"b1", Hidden>;
  static constexpr auto W2 = matrix<"W2", Outputs, Hidden>;
  static constexpr auto b2 = vector<"b2", Outputs>;
  static constexpr auto hidden_layer = sigmoid(W1 * x + b1);
  static constexpr auto logits = W2 * hidden_layer + b2;
  // The weights in the order of the flat parameter array: W1, b1, W2, b2.
  static constexpr auto parameters = wrt(W1, b1, W2, b2);
};

}  // namespace ctdiff

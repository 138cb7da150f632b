// The 64 -> 32 -> 10 digits network of digits.cpp and ../mpi/digits.cpp: a
// sigmoid hidden layer and softmax logits over an 8x8 image (net.x, net.W1,
// net.logits, ...).
#pragma once

#include <cstddef>
#include <ctdiff/ctdiff.hpp>

namespace example::digits_model {

constexpr ctdiff::two_layer_model<64, 32, 10> net{};
constexpr std::size_t pixels = net.inputs, classes = net.outputs;
constexpr auto parameters = net.parameters;

}  // namespace example::digits_model

// The 64 -> 32 -> 10 digits network of digits.cpp and ../mpi/digits.cpp: a
// sigmoid hidden layer and softmax logits over an 8x8 image.
#pragma once

#include <cstddef>
#include <ctdiff/ctdiff.hpp>

namespace example::digits_model {

constexpr std::size_t pixels = 64, hidden = 32, classes = 10;
constexpr auto x = ctdiff::vector<"x", pixels>;
constexpr auto y = ctdiff::vector<"y", classes>;
constexpr auto W1 = ctdiff::matrix<"W1", hidden, pixels>;
constexpr auto b1 = ctdiff::vector<"b1", hidden>;
constexpr auto W2 = ctdiff::matrix<"W2", classes, hidden>;
constexpr auto b2 = ctdiff::vector<"b2", classes>;
constexpr auto logits = W2 * ctdiff::sigmoid(W1 * x + b1) + b2;
constexpr auto parameters = ctdiff::wrt(W1, b1, W2, b2);

}  // namespace example::digits_model

// A benchmark model: digits network (its data, its loss for any scalar type,
// a hand-written gradient and the ctdiff gradient).
#pragma once

#include "common.hpp"  // the standard headers and ctdiff every model uses

namespace bench {

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

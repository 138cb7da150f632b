// The three models of issue 18's compile-time comparison with the
// dual-number libraries, as losses over any number type T: the quadratic
// fit ½Σ(a·x² + b·x + c − y)², the 2→4→1 sigmoid network ½Σ(output − y)²
// (unit j's weights and bias at 3j..3j+2, output weights at 12..15, output
// bias at 16) and one ReLU neuron relu(w·x + b). The gradient benchmarks'
// models (bench/models/), without their data and ctdiff.
#pragma once

#include <cmath>
#include <cstddef>

namespace three_models {

template <class T>
T quadratic(const T* p, const double* x, const double* y, std::size_t n) {
  T total(0.0);
  for (std::size_t i = 0; i != n; ++i) {
    const T r = p[0] * (x[i] * x[i]) + p[1] * x[i] + p[2] - y[i];
    total += 0.5 * (r * r);
  }
  return total;
}

template <class T>
T network(const T* p, const double* x1, const double* x2, const double* y, std::size_t n) {
  using std::exp;
  T total(0.0);
  for (std::size_t i = 0; i != n; ++i) {
    T output = p[16];
    for (std::size_t j = 0; j != 4; ++j) {
      const T z = p[3 * j] * x1[i] + p[3 * j + 1] * x2[i] + p[3 * j + 2];
      output += p[12 + j] * (1.0 / (1.0 + exp(-z)));
    }
    const T r = output - y[i];
    total += 0.5 * (r * r);
  }
  return total;
}

template <class T>
T relu_neuron(const T* p, const double* x) {
  const T z = p[0] * x[0] + p[1] * x[1] + p[2] * x[2] + p[3];
  return z > 0.0 ? z : T(0.0);
}

}  // namespace three_models

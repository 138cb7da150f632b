// The gradients of three_models.hpp's three models with a dual-number
// library: Ceres's Jet (-DDUAL_CERES) or Eigen's AutoDiffScalar. Compiled
// with -c beside three_gradients_ctdiff.cpp by bench/compile_time.py --suite.
#include <array>
#include <cstddef>

#include "three_models.hpp"

#if defined(DUAL_CERES)
#include <ceres/jet.h>
template <std::size_t N>
using dual = ceres::Jet<double, N>;
template <std::size_t N>
dual<N> seed(double value, std::size_t i) {
  return dual<N>(value, static_cast<int>(i));
}
template <std::size_t N>
double derivative(const dual<N>& result, std::size_t i) {
  return result.v[static_cast<int>(i)];
}
#else
#include <Eigen/Core>
#include <unsupported/Eigen/AutoDiff>
template <std::size_t N>
using dual = Eigen::AutoDiffScalar<Eigen::Matrix<double, N, 1> >;
template <std::size_t N>
dual<N> seed(double value, std::size_t i) {
  return dual<N>(value, N, static_cast<int>(i));
}
template <std::size_t N>
double derivative(const dual<N>& result, std::size_t i) {
  return result.derivatives()[static_cast<int>(i)];
}
#endif

template <std::size_t N, class Loss>
void gradient_of(const double* parameters, double* gradient, Loss loss) {
  std::array<dual<N>, N> p;
  for (std::size_t i = 0; i != N; ++i) p[i] = seed<N>(parameters[i], i);
  const dual<N> result = loss(p.data());
  for (std::size_t i = 0; i != N; ++i) gradient[i] = derivative<N>(result, i);
}

void quadratic_gradient(const double* p, const double* x, const double* y, std::size_t n, double* g) {
  gradient_of<3>(p, g, [&](const auto* q) { return three_models::quadratic(q, x, y, n); });
}
void network_gradient(const double* p, const double* x1, const double* x2, const double* y, std::size_t n, double* g) {
  gradient_of<17>(p, g, [&](const auto* q) { return three_models::network(q, x1, x2, y, n); });
}
void relu_neuron_gradient(const double* p, const double* x, double* g) {
  gradient_of<4>(p, g, [&](const auto* q) { return three_models::relu_neuron(q, x); });
}

// Newton's method made global by a trust region (Nocedal & Wright, Numerical
// Optimization, 2nd ed., Algorithm 4.1 for the region, section 4.3 for the
// subproblem): each step minimizes the quadratic model
//   m(p) = g·p + ½ pᵀHp   subject to ‖p‖ <= radius
// exactly, and is kept only if the loss falls. With an eigendecomposition
// H = Q Λ Qᵀ the subproblem's solution is p(λ) = −(H + λI)⁻¹g for the λ >=
// max(0, −λ_min) where ‖p(λ)‖ = radius (or λ = 0 inside the region), so
// negative curvature is followed, never mistaken for a minimum; the "hard
// case" (g orthogonal to the most negative eigenvector) steps along that
// eigenvector. Newton's method here serves models with few parameters (n
// Hessian rows), so the O(n³) decomposition costs less than the Hessian.
//
// Templated on the number type alone: every model shares one instantiation.
// What it takes and returns is declared in trust_region.hpp, without Eigen.
#pragma once

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <ctdiff/optimize/detail/trust_region.hpp>
#include <limits>
#include <memory>
#include <span>
#include <type_traits>

namespace ctdiff::detail {

template <class T>
class trust_region_newton<T>::solver {
 public:
  using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

  // step_fraction scales every step (options.newton_step); 1 takes it whole.
  solver(std::size_t size, T step_fraction)
      : decomposition_(static_cast<Eigen::Index>(size)),
        rotated_gradient_(size),
        step_(size),
        start_(size),
        step_fraction_(step_fraction) {}

  // The mean Hessian at the current parameters (row-major n×n), decomposed once per point.
  void set_hessian(std::span<const T> hessian) {
    const auto n = static_cast<Eigen::Index>(step_.size());
    decomposition_.compute(Eigen::Map<const matrix>(hessian.data(), n, n).transpose());
  }

  T smallest_eigenvalue() const { return eigenvalues().size() == 0 ? T(0) : eigenvalues()(0); }
  T largest_eigenvalue() const { return eigenvalues().size() == 0 ? T(0) : eigenvalues()(eigenvalues().size() - 1); }

  // Positive semi-definite up to rounding relative to the largest curvature.
  bool positive_semidefinite() const {
    if (eigenvalues().size() == 0) return true;
    const T scale = std::max(T(1), eigenvalues().cwiseAbs().maxCoeff());
    return smallest_eigenvalue() >= -std::sqrt(std::numeric_limits<T>::epsilon()) * scale;
  }

  // One accepted step from `parameters`, where the mean loss is `loss` and
  // the mean gradient `gradient`; loss_at() evaluates the mean loss at the
  // parameters as they are set. Shrinks the region until a step lowers the
  // loss; false, with the parameters restored, once no step can (the region
  // has shrunk to rounding, or the model predicts no decrease).
  bool step(std::span<T> parameters, std::span<const T> gradient, T loss, loss_callback<T> loss_at) {
    const auto n = static_cast<Eigen::Index>(parameters.size());
    std::copy(parameters.begin(), parameters.end(), start_.data());
    rotated_gradient_ = decomposition_.eigenvectors().transpose() * Eigen::Map<const vector>(gradient.data(), n);
    if (!(radius_ > 0)) radius_ = first_radius();
    const T smallest_radius = std::numeric_limits<T>::epsilon() * std::max(T(1), start_.norm());
    while (radius_ > smallest_radius) {
      const T predicted = solve_subproblem();
      if (!(predicted < 0)) break;
      const T length = step_.norm();
      for (Eigen::Index i = 0; i != n; ++i) parameters[static_cast<std::size_t>(i)] = start_(i) + step_(i);
      const T trial = loss_at();
      const T ratio = std::isfinite(trial) ? (trial - loss) / predicted : -std::numeric_limits<T>::infinity();
      if (ratio < T(0.25)) {
        radius_ = T(0.25) * length;
      } else if (ratio > T(0.75) && length >= T(0.99) * radius_) {
        radius_ = T(2) * radius_;
      }
      if (ratio > accept_ratio && trial < loss) return true;
      // Near a minimum of a loss far from zero, the decrease falls below the
      // loss's rounding and cannot be seen; there the Newton step of a convex
      // model is taken on the model's word, as plain Newton would.
      const T rounding = 4 * std::numeric_limits<T>::epsilon() * std::abs(loss);
      if (newton_step_inside_ && -predicted <= rounding && std::abs(trial - loss) <= rounding) return true;
    }
    std::copy(start_.data(), start_.data() + n, parameters.begin());
    return false;
  }

 private:
  static constexpr T accept_ratio = T(1e-4);

  const vector& eigenvalues() const { return decomposition_.eigenvalues(); }

  // The first region holds the Newton step where H is positive definite, so
  // a convex model takes Newton's full steps from the start.
  T first_radius() const {
    const T gradient_norm = rotated_gradient_.norm();
    if (smallest_eigenvalue() > 0) {
      const T newton_length = length_at(T(0));
      if (newton_length > 0) return newton_length;
    }
    return std::max(gradient_norm, T(1));
  }

  // ‖p(λ)‖ with p(λ) = −(Λ + λI)⁻¹ Qᵀg in the eigenbasis.
  T length_at(T shift) const { return (rotated_gradient_.array() / (eigenvalues().array() + shift)).matrix().norm(); }

  // Sets step_ to the model's minimizer in the region (times the step
  // fraction) and returns the model's change there, m(p) (negative: a decrease).
  T solve_subproblem() {
    const T lowest = smallest_eigenvalue();
    const T floor = std::max(T(0), -lowest);
    vector rotated_step(rotated_gradient_.size());
    newton_step_inside_ = lowest > 0 && length_at(T(0)) <= radius_;
    if (newton_step_inside_) {
      rotated_step = -(rotated_gradient_.array() / eigenvalues().array()).matrix();
    } else {
      rotated_step = boundary_step(floor);
    }
    rotated_step *= step_fraction_;
    step_ = decomposition_.eigenvectors() * rotated_step;
    return rotated_gradient_.dot(rotated_step) + T(0.5) * (eigenvalues().array() * rotated_step.array().square()).sum();
  }

  // The step on the region's boundary: the shift λ > floor with ‖p(λ)‖ = radius
  // by Newton's method on 1/‖p(λ)‖ − 1/radius (safeguarded by bisection), or,
  // in the hard case, p(floor) plus the lowest eigenvector to the boundary.
  vector boundary_step(T floor) const {
    const T tiny = std::numeric_limits<T>::epsilon() * std::max(T(1), eigenvalues().cwiseAbs().maxCoeff());
    // Components along eigenvalues at the floor make ‖p‖ unbounded near it;
    // without them (g orthogonal to those eigenvectors) it is the hard case.
    vector regular = rotated_gradient_;
    bool hard = true;
    for (Eigen::Index i = 0; i != regular.size(); ++i) {
      if (eigenvalues()(i) + floor <= tiny) {
        if (std::abs(regular(i)) > tiny * std::max(T(1), rotated_gradient_.norm())) hard = false;
        regular(i) = T(0);
      }
    }
    if (hard) {
      vector step = -(regular.array() / (eigenvalues().array() + floor).max(tiny)).matrix();
      for (Eigen::Index i = 0; i != step.size(); ++i) {
        if (eigenvalues()(i) + floor <= tiny) step(i) = T(0);
      }
      const T inside = step.norm();
      if (inside <= radius_) {
        // Only negative curvature is worth following to the boundary; a flat direction is not.
        if (floor > 0) step(0) += std::sqrt(std::max(T(0), radius_ * radius_ - inside * inside));
        return step;
      }
    }
    T low = floor;
    T high = floor + rotated_gradient_.norm() / radius_ + tiny;
    T shift = high;
    for (int iteration = 0; iteration != 100; ++iteration) {
      const auto denominators = eigenvalues().array() + shift;
      const T length = (rotated_gradient_.array() / denominators).matrix().norm();
      if (std::abs(length - radius_) <= T(1e-10) * radius_) break;
      (length > radius_ ? low : high) = shift;
      const T curvature = (rotated_gradient_.array().square() / denominators.cube()).sum();
      const T newton = shift + length * length / curvature * (length - radius_) / radius_;
      shift = newton > low && newton < high ? newton : (low + high) / 2;
    }
    return -(rotated_gradient_.array() / (eigenvalues().array() + shift)).matrix();
  }

  Eigen::SelfAdjointEigenSolver<matrix> decomposition_;
  vector rotated_gradient_;  // Qᵀg
  vector step_;
  vector start_;
  T step_fraction_;
  T radius_ = T(0);                  // 0 until the first step sets it
  bool newton_step_inside_ = false;  // the last subproblem's answer was the Newton step of a convex model
};

template <class T>
trust_region_newton<T>::trust_region_newton(std::size_t size, T step_fraction)
    : solver_(std::make_unique<solver>(size, step_fraction)) {}
template <class T>
trust_region_newton<T>::~trust_region_newton() = default;
template <class T>
void trust_region_newton<T>::set_hessian(std::span<const T> hessian) {
  solver_->set_hessian(hessian);
}
template <class T>
T trust_region_newton<T>::smallest_eigenvalue() const {
  return solver_->smallest_eigenvalue();
}
template <class T>
T trust_region_newton<T>::largest_eigenvalue() const {
  return solver_->largest_eigenvalue();
}
template <class T>
bool trust_region_newton<T>::positive_semidefinite() const {
  return solver_->positive_semidefinite();
}
template <class T>
bool trust_region_newton<T>::step(std::span<T> parameters, std::span<const T> gradient, T loss,
                                  loss_callback<T> loss_at) {
  return solver_->step(parameters, gradient, loss, loss_at);
}

template <class T>
struct trust_region_defined<T, void> : std::true_type {};

}  // namespace ctdiff::detail

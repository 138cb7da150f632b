// What every solver reports besides the parameters: why it stopped, the
// steps it made, the loss after each, the gradient at the end and, for
// Newton's method, the curvature there. One record for fit, fit_newton,
// minimize and the tensor fit; least_squares' adds its Jacobian's rank and
// the covariance (least_squares_problem.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <ctdiff/optimize/stop_reason.hpp>
#include <limits>
#include <vector>

namespace ctdiff {

template <class T>
struct training_result {
  stop_reason stop = stop_reason::max_epochs;
  // The steps that led to the returned parameters: epochs of updates; least
  // squares' iterations, each one evaluation of the residuals (a rejected step counts).
  std::size_t epochs = 0;
  // The loss at each step, [0] at the start (empty if that is not finite): the
  // mean loss over the samples; least squares' cost ½Σr², repeated by a rejected step.
  std::vector<T> loss_per_epoch;
  T gradient_norm = T(0);  // the loss's gradient at the returned parameters; NaN where not computed
  // Newton's method: the extreme eigenvalues of the mean Hessian at the
  // returned parameters; NaN for the other methods.
  T smallest_hessian_eigenvalue = std::numeric_limits<T>::quiet_NaN();
  T largest_hessian_eigenvalue = std::numeric_limits<T>::quiet_NaN();

  // A strict minimum, to working precision: every curvature positive beyond
  // rounding relative to the largest. False where not computed.
  bool hessian_positive_definite() const {
    using std::abs;
    const T scale = std::max(T(1), abs(largest_hessian_eigenvalue));
    return smallest_hessian_eigenvalue > std::sqrt(std::numeric_limits<T>::epsilon()) * scale;
  }
};

}  // namespace ctdiff

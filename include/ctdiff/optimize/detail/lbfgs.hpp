// L-BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed.: the two-loop
// recursion of Algorithm 7.4 and the strong-Wolfe line search of Algorithms
// 3.5 and 3.6) on a flat parameter array. train.hpp runs it as
// optimizer::lbfgs; it knows nothing of expressions.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

namespace ctdiff::detail {

template <class T>
T dot(std::span<const T> a, std::span<const T> b) {
  T sum = T(0);
  for (std::size_t i = 0; i != a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

template <class T>
class lbfgs_stepper {
 public:
  lbfgs_stepper(std::size_t size, std::size_t memory)
      : steps_(memory, std::vector<T>(size)),
        gradient_changes_(memory, std::vector<T>(size)),
        curvatures_(memory),
        weights_(memory),
        start_(size),
        start_gradient_(size),
        direction_(size) {}

  // One iteration from `parameters`, where the loss is `loss` and the
  // gradient `gradient`: the quasi-Newton direction, then a line search along
  // it for a step satisfying the strong Wolfe conditions
  //   f(x + a d) <= f(x) + c1 a g·d  and  |g(x + a d)·d| <= c2 |g·d|.
  // evaluate() is called with `parameters` set to each trial point; it
  // returns the loss there and writes the gradient into `gradient`. Returns
  // false, with the parameters and gradient restored, if no step is found.
  template <class Evaluate>
  bool step(std::span<T> parameters, std::span<T> gradient, T loss, Evaluate&& evaluate) {
    std::copy(parameters.begin(), parameters.end(), start_.begin());
    std::copy(gradient.begin(), gradient.end(), start_gradient_.begin());
    quasi_newton_direction();
    T slope = dot<T>(start_gradient_, direction_);
    if (!(slope < 0)) {  // not a descent direction: forget the curvature pairs, go downhill
      stored_ = 0;
      for (std::size_t i = 0; i != direction_.size(); ++i) direction_[i] = -start_gradient_[i];
      slope = dot<T>(start_gradient_, direction_);
    }
    // The first step is scaled to length 1; after that the quasi-Newton step is well scaled.
    const T first = stored_ == 0 ? std::min(T(1), T(1) / std::sqrt(dot<T>(direction_, direction_))) : T(1);
    const bool found = line_search(parameters, gradient, loss, slope, first, evaluate);
    if (!found) {
      std::copy(start_.begin(), start_.end(), parameters.begin());
      std::copy(start_gradient_.begin(), start_gradient_.end(), gradient.begin());
      return false;
    }
    remember(parameters, gradient);
    return true;
  }

 private:
  static constexpr T sufficient_decrease = T(1e-4);  // c1
  static constexpr T curvature = T(0.9);             // c2
  static constexpr int max_trials = 40;

  // d = −H g by the two-loop recursion over the stored pairs, newest first,
  // with H0 = (sᵀy / yᵀy) I from the newest pair.
  void quasi_newton_direction() {
    for (std::size_t i = 0; i != direction_.size(); ++i) direction_[i] = -start_gradient_[i];
    const std::size_t count = std::min(stored_, steps_.size());
    for (std::size_t k = 0; k != count; ++k) {
      const std::size_t slot = (newest_ + steps_.size() - k) % steps_.size();
      weights_[slot] = dot<T>(steps_[slot], direction_) / curvatures_[slot];
      for (std::size_t i = 0; i != direction_.size(); ++i) direction_[i] -= weights_[slot] * gradient_changes_[slot][i];
    }
    if (count > 0) {
      const auto& y = gradient_changes_[newest_];
      const T scale = curvatures_[newest_] / dot<T>(y, y);
      for (T& value : direction_) value *= scale;
    }
    for (std::size_t k = count; k-- > 0;) {
      const std::size_t slot = (newest_ + steps_.size() - k) % steps_.size();
      const T beta = dot<T>(gradient_changes_[slot], direction_) / curvatures_[slot];
      for (std::size_t i = 0; i != direction_.size(); ++i) direction_[i] += (weights_[slot] - beta) * steps_[slot][i];
    }
  }

  // Keeps s = x₊ − x and y = g₊ − g if sᵀy > 0 (else H would lose positive definiteness).
  void remember(std::span<const T> parameters, std::span<const T> gradient) {
    T sy = T(0);
    for (std::size_t i = 0; i != parameters.size(); ++i)
      sy += (parameters[i] - start_[i]) * (gradient[i] - start_gradient_[i]);
    if (!(sy > 0) || !std::isfinite(sy)) return;
    const std::size_t slot = stored_ == 0 ? 0 : (newest_ + 1) % steps_.size();
    for (std::size_t i = 0; i != parameters.size(); ++i) {
      steps_[slot][i] = parameters[i] - start_[i];
      gradient_changes_[slot][i] = gradient[i] - start_gradient_[i];
    }
    curvatures_[slot] = sy;
    newest_ = slot;
    ++stored_;
  }

  // The loss and slope at x + a·d, the parameters left there.
  template <class Evaluate>
  void probe(std::span<T> parameters, std::span<T> gradient, T a, T& loss, T& slope, Evaluate& evaluate) {
    for (std::size_t i = 0; i != parameters.size(); ++i) parameters[i] = start_[i] + a * direction_[i];
    loss = evaluate();
    slope = dot<T>(std::span<const T>(gradient), direction_);
  }

  template <class Evaluate>
  bool line_search(std::span<T> parameters, std::span<T> gradient, T loss0, T slope0, T a, Evaluate& evaluate) {
    auto armijo_fails = [&](T a_trial, T loss) {
      return !std::isfinite(loss) || loss > loss0 + sufficient_decrease * a_trial * slope0;
    };
    auto curvature_holds = [&](T slope) { return std::abs(slope) <= -curvature * slope0; };
    // Bracketing (Algorithm 3.5): grow the step until it brackets a Wolfe point.
    T a_previous = 0, loss_previous = loss0, slope_previous = slope0;
    T loss = 0, slope = 0;
    int trials = 0;
    T low = 0, high = 0, loss_low = 0, slope_low = 0, loss_high = 0;
    for (;; ++trials) {
      if (trials == max_trials) return false;
      probe(parameters, gradient, a, loss, slope, evaluate);
      if (armijo_fails(a, loss) || (trials > 0 && loss >= loss_previous)) {
        low = a_previous, loss_low = loss_previous, slope_low = slope_previous, high = a, loss_high = loss;
        break;
      }
      if (curvature_holds(slope)) return true;
      if (slope >= 0) {
        low = a, loss_low = loss, slope_low = slope, high = a_previous, loss_high = loss_previous;
        break;
      }
      a_previous = a, loss_previous = loss, slope_previous = slope;
      a *= 2;
    }
    // Zoom (Algorithm 3.6): shrink [low, high] around a Wolfe point; the
    // trial is the minimum of the quadratic through f(low), f'(low), f(high),
    // kept inside the middle 80% of the interval, else the midpoint.
    for (; trials != max_trials; ++trials) {
      const T width = high - low;
      T trial = low + width / 2;
      const T denominator = 2 * (loss_high - loss_low - slope_low * width);
      if (std::isfinite(loss_high) && denominator > 0) {
        const T minimum = low - slope_low * width * width / denominator;
        const T lo = std::min(low, high) + T(0.1) * std::abs(width);
        const T hi = std::max(low, high) - T(0.1) * std::abs(width);
        if (minimum >= lo && minimum <= hi) trial = minimum;
      }
      probe(parameters, gradient, trial, loss, slope, evaluate);
      if (armijo_fails(trial, loss) || loss >= loss_low) {
        high = trial, loss_high = loss;
      } else {
        if (curvature_holds(slope)) return true;
        if (slope * (high - low) >= 0) high = low, loss_high = loss_low;
        low = trial, loss_low = loss, slope_low = slope;
      }
      if (std::abs(high - low) <= std::numeric_limits<T>::epsilon() * std::abs(low)) break;
    }
    return false;
  }

  std::vector<std::vector<T>> steps_;             // s, a ring of `memory` pairs
  std::vector<std::vector<T>> gradient_changes_;  // y
  std::vector<T> curvatures_;                     // sᵀy
  std::vector<T> weights_;                        // the two-loop recursion's α
  std::vector<T> start_, start_gradient_, direction_;
  std::size_t stored_ = 0;  // pairs stored so far (the ring keeps the newest `memory`)
  std::size_t newest_ = 0;
};

}  // namespace ctdiff::detail

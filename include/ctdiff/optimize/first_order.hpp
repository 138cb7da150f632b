// The first-order update rules: gradient descent, momentum and Adam, each a
// step of the parameters from the mean gradient of a batch.
#pragma once

#include <cmath>
#include <cstddef>
#include <ctdiff/optimize/options.hpp>
#include <span>
#include <vector>

namespace ctdiff::detail {

// The update rules and their state, allocated once before the first epoch.
template <class T>
class stepper {
 public:
  stepper(const options& o, std::size_t size)
      : options_(o),
        velocity_(o.method == optimizer::gradient_descent ? 0 : size),
        second_moment_(o.method == optimizer::adam ? size : 0) {}

  // One update of the parameters with the mean gradient of a batch.
  void step(std::span<T> parameters, std::span<const T> gradient) {
    const T rate = static_cast<T>(options_.learning_rate);
    switch (options_.method) {
      case optimizer::gradient_descent:
        for (std::size_t i = 0; i != parameters.size(); ++i) parameters[i] -= rate * gradient[i];
        break;
      case optimizer::momentum: {
        const T momentum = static_cast<T>(options_.momentum);
        for (std::size_t i = 0; i != parameters.size(); ++i) {
          velocity_[i] = momentum * velocity_[i] - rate * gradient[i];
          parameters[i] += velocity_[i];
        }
        break;
      }
      case optimizer::adam: {
        const T beta1 = static_cast<T>(options_.adam_beta1);
        const T beta2 = static_cast<T>(options_.adam_beta2);
        const T epsilon = static_cast<T>(options_.adam_epsilon);
        beta1_power_ *= beta1;
        beta2_power_ *= beta2;
        for (std::size_t i = 0; i != parameters.size(); ++i) {
          velocity_[i] = beta1 * velocity_[i] + (T(1) - beta1) * gradient[i];
          second_moment_[i] = beta2 * second_moment_[i] + (T(1) - beta2) * gradient[i] * gradient[i];
          const T first_unbiased = velocity_[i] / (T(1) - beta1_power_);
          const T second_unbiased = second_moment_[i] / (T(1) - beta2_power_);
          parameters[i] -= rate * first_unbiased / (std::sqrt(second_unbiased) + epsilon);
        }
        break;
      }
      case optimizer::lbfgs:  // run() steps with lbfgs_stepper instead
        break;
    }
  }

 private:
  const options& options_;
  std::vector<T> velocity_;  // momentum's velocity; Adam's first moment
  std::vector<T> second_moment_;
  T beta1_power_ = T(1);
  T beta2_power_ = T(1);
};

}  // namespace ctdiff::detail

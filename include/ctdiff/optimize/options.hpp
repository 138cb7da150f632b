// What every optimizer of a flat parameter array takes and reports: the
// options and the per-epoch report (the result: record.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace ctdiff {

// How a call of the sum over samples uses options.threads.
enum class splitting {
  // Split a call over the threads only where that has measured faster than
  // one thread (and its work is large enough to gain): never much slower than
  // one thread, on a busy machine too.
  measured,
  // Split every call of more than one chunk: for tests and measurements of the threads themselves.
  always,
};

// The first-order update rules. Newton's method has its own entry points
// (minimize_newton, fit_newton in fit/newton.hpp) because it needs a Hessian. L-BFGS
// (optimize/detail/lbfgs.hpp) always uses all samples: its line search needs the
// same loss at every trial point.
enum class optimizer { gradient_descent, momentum, adam, lbfgs };

constexpr const char* to_string(optimizer method) {
  switch (method) {
    case optimizer::gradient_descent:
      return "gradient descent";
    case optimizer::momentum:
      return "momentum";
    case optimizer::adam:
      return "Adam";
    case optimizer::lbfgs:
      return "L-BFGS";
  }
  return "unknown optimizer";
}

// What the per-epoch callback sees. Epoch 0 is the starting point, before any update.
struct epoch_report {
  std::size_t epoch;
  double loss;           // mean loss over all samples at this epoch's parameters
  double gradient_norm;  // norm of the mean gradient there; NaN where not computed (see options)
  double learning_rate;
};

struct options {
  optimizer method = optimizer::gradient_descent;
  double learning_rate = 0.01;
  std::size_t max_epochs = 1000;
  // 0 (or at least the sample count): batch descent, one update per epoch on
  // the mean gradient; 1: stochastic; otherwise mini-batches of this size
  // (the last one of an epoch may be smaller).
  std::size_t batch_size = 0;
  // Threads that sum a batch's loss and gradient: 1 (the default) sums on the
  // calling thread, 0 uses every processor. Any count gives bitwise the same
  // results (see detail/parallel_sum.hpp); above 1 each thread calls its own copy of the objective.
  std::size_t threads = 1;
  // With threads above 1: split a batch over them where that measured faster
  // (the default), or always (to measure the threads themselves).
  splitting split = splitting::measured;
  double loss_tolerance = 0;      // stop once the mean loss is <= this; 0: off
  double gradient_tolerance = 0;  // stop once the mean gradient's norm is <= this; 0: off
  double momentum = 0.9;
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_epsilon = 1e-8;
  double newton_step = 1.0;  // fraction of each trust-region Newton step taken; 1 is the whole step
  bool shuffle = true;       // reshuffle the samples every epoch of a stochastic or mini-batch run
  std::uint64_t seed = 0;    // the shuffles are a function of this seed alone
  bool progress = false;     // print a progress line to stderr about 20 times per run
  std::function<void(const epoch_report&)> on_epoch = nullptr;  // called once per epoch, epoch 0 included
  std::size_t lbfgs_memory = 10;                                // L-BFGS: the curvature pairs kept (at least 1)
};

}  // namespace ctdiff

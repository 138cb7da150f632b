// The epoch loop on a flat parameter array: minimize() with an objective
// callable that sums the loss over a set of sample indices and adds the
// summed gradient into a flat span. It knows nothing of expressions, so any
// model that can fill a flat gradient (scalar expressions, tensors, batches)
// trains with it; fit/ binds expressions to it, and Newton's method
// (fit/newton.hpp) plugs its second-order step into the same loop.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctdiff/core/random.hpp>
#include <ctdiff/optimize/detail/lbfgs.hpp>
#include <ctdiff/optimize/detail/parallel_sum.hpp>
#include <ctdiff/optimize/first_order.hpp>
#include <ctdiff/optimize/options.hpp>
#include <ctdiff/optimize/record.hpp>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <ranges>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace ctdiff {

namespace detail {

// The progress line on stderr: epoch, loss, gradient norm, learning rate and throughput.
class progress_printer {
 public:
  explicit progress_printer(const options& o)
      : enabled_(o.progress), max_epochs_(o.max_epochs), interval_(std::max<std::size_t>(1, o.max_epochs / 20)) {}

  void epoch_done(const epoch_report& report, std::size_t samples_seen, bool last) {
    if (!enabled_ || !(last || report.epoch % interval_ == 0)) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::fprintf(stderr, "epoch %zu/%zu  loss %.6g  |gradient| %.3g  learning rate %g  %.3g samples/s\n", report.epoch,
                 max_epochs_, report.loss, report.gradient_norm, report.learning_rate,
                 seconds > 0 ? static_cast<double>(samples_seen) / seconds : 0.0);
  }

  void non_finite_loss(std::size_t epoch) const {
    if (enabled_) {
      std::fprintf(stderr, "epoch %zu/%zu  loss is not finite: stopped with the last finite parameters\n", epoch,
                   max_epochs_);
    }
  }

 private:
  bool enabled_;
  std::size_t max_epochs_;
  std::size_t interval_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// The second-order part of run(), absent for the first-order methods (newton.hpp provides Newton's).
struct first_order_only {};

template <class T>
T squared_norm(std::span<const T> values) {
  T sum = T(0);
  for (T value : values) sum += value * value;
  return sum;
}

template <class T>
void scale(std::span<T> values, T factor) {
  for (T& value : values) value *= factor;
}

inline void validate(const options& o, std::size_t sample_count) {
  if (sample_count == 0) throw std::invalid_argument("ctdiff: training needs at least one sample");
  if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate)) {
    throw std::invalid_argument("ctdiff: the learning rate must be positive and finite");
  }
}

// The loop shared by the first-order methods and Newton's method. All the
// memory it needs is allocated before the first epoch; inside, nothing
// allocates (loss_per_epoch grows only past its reserved length) or throws.
template <class T, class Objective, class SecondOrder = first_order_only>
training_result<T> run(Objective& objective, std::span<T> parameters, std::size_t sample_count, const options& o,
                       SecondOrder&& second_order = SecondOrder{}) {
  validate(o, sample_count);
  constexpr bool newton = !std::is_same_v<std::remove_cvref_t<SecondOrder>, first_order_only>;
  const std::size_t size = parameters.size();
  const bool lbfgs = !newton && o.method == optimizer::lbfgs;
  const std::size_t batch_size =
      newton || lbfgs || o.batch_size == 0 ? sample_count : std::min(o.batch_size, sample_count);
  const bool full_batch = batch_size == sample_count;
  const bool full_gradient_needed = full_batch || o.gradient_tolerance > 0;

  // Not cleared before it is filled: a large data set's list is written once, not twice.
  const auto order_storage = std::make_unique_for_overwrite<std::size_t[]>(sample_count);
  const std::span<std::size_t> order(order_storage.get(), sample_count);
  std::iota(order.begin(), order.end(), std::size_t(0));
  // Only mini-batches are shuffled: otherwise every batch is a run of
  // consecutive samples, which an objective that asks may read without its index list.
  if constexpr (requires { objective.set_samples_in_order(true); }) {
    objective.set_samples_in_order(full_batch || !o.shuffle);
  }
  std::vector<T> gradient(size);
  std::vector<T> last_finite(parameters.begin(), parameters.end());
  sample_sum<T, Objective> sum_over(objective, size, o.threads, o.split);
  stepper<T> update(o, size);
  lbfgs_stepper<T> quasi_newton(lbfgs ? size : 0, std::max<std::size_t>(1, o.lbfgs_memory));
  std::mt19937_64 generator(o.seed);
  progress_printer progress(o);
  training_result<T> result;
  result.loss_per_epoch.reserve(std::min<std::size_t>(o.max_epochs, std::size_t(1) << 20) + 1);

  // Mean loss (and, when asked, mean gradient into `gradient`) over samples.
  auto mean_over = [&](std::span<const std::size_t> samples, bool with_gradient) {
    const T count = static_cast<T>(samples.size());
    const T loss = sum_over(samples, with_gradient ? std::span<T>(gradient) : std::span<T>()) / count;
    if (with_gradient) scale(std::span<T>(gradient), T(1) / count);
    return loss;
  };

  for (std::size_t epoch = 0;; ++epoch) {
    const T loss = mean_over(order, full_gradient_needed);
    if (!std::isfinite(loss)) {
      std::copy(last_finite.begin(), last_finite.end(), parameters.begin());
      result.stop = stop_reason::non_finite_loss;
      progress.non_finite_loss(epoch);
      break;
    }
    const T gradient_norm =
        full_gradient_needed ? std::sqrt(squared_norm<T>(gradient)) : std::numeric_limits<T>::quiet_NaN();
    std::copy(parameters.begin(), parameters.end(), last_finite.begin());
    result.loss_per_epoch.push_back(loss);
    result.epochs = epoch;
    result.gradient_norm = gradient_norm;

    bool stationary_point_is_minimum = true;
    if constexpr (newton) {
      second_order.set_hessian_at(order);
      result.smallest_hessian_eigenvalue = second_order.smallest_eigenvalue();
      result.largest_hessian_eigenvalue = second_order.largest_eigenvalue();
      // A small gradient where the curvature is negative is a saddle or a maximum, not a place to stop.
      stationary_point_is_minimum = second_order.positive_semidefinite();
    }

    const epoch_report report{epoch, static_cast<double>(loss), static_cast<double>(gradient_norm),
                              newton ? o.newton_step : o.learning_rate};
    if (o.on_epoch) o.on_epoch(report);
    const bool loss_reached = o.loss_tolerance > 0 && loss <= o.loss_tolerance;
    const bool gradient_reached =
        o.gradient_tolerance > 0 && gradient_norm <= o.gradient_tolerance && stationary_point_is_minimum;
    const bool last = loss_reached || gradient_reached || epoch == o.max_epochs;
    progress.epoch_done(report, (epoch + 1) * sample_count, last);
    if (loss_reached) {
      result.stop = stop_reason::loss_tolerance;
      break;
    }
    if (gradient_reached) {
      result.stop = stop_reason::gradient_tolerance;
      break;
    }
    if (last) {
      result.stop = stop_reason::max_epochs;
      break;
    }

    if constexpr (newton) {
      auto loss_here = [&] { return mean_over(order, false); };
      if (!second_order.step(parameters, std::span<const T>(gradient), loss, loss_here)) {
        result.stop = stop_reason::no_further_decrease;
        break;
      }
    } else if (lbfgs) {
      // The line search ends at a point whose loss and gradient it knows;
      // the next epoch evaluates them again, as every epoch begins.
      if (!quasi_newton.step(parameters, std::span<T>(gradient), loss, [&] { return mean_over(order, true); })) {
        result.stop = stop_reason::line_search_failed;
        break;
      }
    } else if (full_batch) {
      update.step(parameters, gradient);
    } else {
      if (o.shuffle) fisher_yates_shuffle(order, generator);
      for (std::size_t start = 0; start < sample_count; start += batch_size) {
        mean_over(std::span<const std::size_t>(order).subspan(start, std::min(batch_size, sample_count - start)), true);
        update.step(parameters, gradient);
      }
    }
  }
  return result;
}

template <class R>
concept parameter_storage = std::ranges::contiguous_range<R> && std::floating_point<std::ranges::range_value_t<R>>;

}  // namespace detail

// Minimizes the mean loss over sample_count samples by first-order descent,
// updating `parameters` (a std::array, std::vector or std::span of floating
// values) in place. objective(samples, gradient) receives a
// std::span<const std::size_t> of sample indices and a std::span<T> that is
// empty or as long as the parameters; it returns the summed loss over those
// samples and, if the span is not empty, adds their summed gradient into it.
// With options.threads above 1, each thread calls its own copy of the
// objective (made before the first epoch) on its own chunks of samples at
// the same time, so the copies must not write to state they share.
template <class Objective, detail::parameter_storage Parameters>
auto minimize(Objective&& objective, Parameters&& parameters, std::size_t sample_count, const options& o = {}) {
  using T = std::ranges::range_value_t<Parameters>;
  return detail::run<T>(objective, std::span<T>(parameters), sample_count, o);
}

}  // namespace ctdiff

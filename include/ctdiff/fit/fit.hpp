// Training: gradient descent over data, in two layers.
//
// minimize() works on a flat array of parameters and an objective callable
// that sums the loss over a set of sample indices and adds the summed
// gradient into a flat span. It knows nothing of expressions, so any model
// that can fill a flat gradient (scalar expressions, tensors) trains with it.
//
// fit() is the expression layer on top: it binds a loss's parameter symbols
// and data columns in one bindings object, overwrites the data values in
// place for each sample, and evaluates the compile-time gradient there.
#pragma once

#include <algorithm>
#include <boost/hana/filter.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctdiff/core/random.hpp>
#include <ctdiff/engine/gradient.hpp>
#include <ctdiff/optimize/detail/lbfgs.hpp>
#include <ctdiff/optimize/detail/parallel_sum.hpp>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctdiff {

// ---------------------------------------------------------------------------
// Options, reports and results
// ---------------------------------------------------------------------------

// The first-order update rules. Newton's method has its own entry points
// (minimize_newton, fit_newton in newton.hpp) because it needs a Hessian. L-BFGS
// (optimize/lbfgs.hpp) always uses all samples: its line search needs the
// same loss at every trial point.
enum class optimizer { gradient_descent, momentum, adam, lbfgs };

enum class stop_reason {
  max_epochs,           // ran options.max_epochs epochs
  loss_tolerance,       // mean loss <= options.loss_tolerance
  gradient_tolerance,   // norm of the mean gradient <= options.gradient_tolerance
  non_finite_loss,      // the loss became NaN or infinite; the parameters are the last finite ones
  no_further_decrease,  // Newton's trust region shrank to rounding: no step lowers the loss (a minimum, to rounding)
  line_search_failed,   // L-BFGS found no step satisfying the strong Wolfe conditions (at a minimum, to rounding)
};

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

constexpr const char* to_string(stop_reason reason) {
  switch (reason) {
    case stop_reason::max_epochs:
      return "reached the maximum epoch count";
    case stop_reason::loss_tolerance:
      return "loss below tolerance";
    case stop_reason::gradient_tolerance:
      return "gradient norm below tolerance";
    case stop_reason::non_finite_loss:
      return "loss became non-finite";
    case stop_reason::no_further_decrease:
      return "no step lowers the loss";
    case stop_reason::line_search_failed:
      return "line search found no step";
  }
  return "unknown stop reason";
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
  // results (see parallel.hpp); above 1 each thread calls its own copy of the objective.
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

template <class T>
struct training_result {
  stop_reason stop = stop_reason::max_epochs;
  std::size_t epochs = 0;         // epochs of updates that led to the returned parameters
  std::vector<T> loss_per_epoch;  // [0] at the start, back() at the returned parameters (empty if [0] is not finite)
  T gradient_norm = T(0);         // at the returned parameters; NaN where not computed
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

// ---------------------------------------------------------------------------
// The optimizer core on a flat parameter array
// ---------------------------------------------------------------------------

namespace detail {

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

  std::vector<std::size_t> order(sample_count);
  std::iota(order.begin(), order.end(), std::size_t(0));
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

// ---------------------------------------------------------------------------
// The expression layer: parameters and data bound by symbol
// ---------------------------------------------------------------------------

template <class C>
concept data_column = std::ranges::contiguous_range<const C&> && std::ranges::sized_range<const C&> &&
    std::is_arithmetic_v<std::ranges::range_value_t<C>>;

// x = xs for a column xs: a view of the column's values, made by symbol's
// operator=. The column must outlive the training call.
template <fixed_string Name, class Column>
struct column_binding {
  static_assert(data_column<Column>,
                "ctdiff: a data column is a std::vector, std::span or std::array of numbers (x = xs in data(...))");
  using element_type = std::ranges::range_value_t<Column>;
  static constexpr fixed_string name = Name;
  std::span<const element_type> values;

  constexpr explicit column_binding(const Column& column)
      : values(std::ranges::data(column), std::ranges::size(column)) {}
};

// The starting values of the parameters: params(w = 0.0, b = 0.0).
template <class Bindings>
struct parameter_list {
  Bindings initial;
};

// Every value is converted to the parameters' common floating type, so
// params(w = 0) fits a double, not an int.
template <fixed_string... Names, class... Ts>
constexpr auto params(binding<Names, Ts>... values) {
  using T = typename bindings<binding<Names, Ts>...>::value_type;
  return parameter_list<bindings<binding<Names, T>...>>{at(binding<Names, T>{static_cast<T>(values.value)}...)};
}

// The training samples: data(x = xs, y = ys, lambda = 1e-3). Each entry binds
// a data symbol to a column, or a symbol to a constant: one number, the same
// in every sample, which a fit holds fixed (a regularization weight, a known
// rate) where params(...) would train it.
template <class... Entries>
struct dataset {
  boost::hana::tuple<Entries...> entries;
  std::size_t size;
};

namespace detail {

// What data(...) takes, and how the entry fills its symbol's slot in the
// bindings of a sample (sample_bindings): a column's slot is overwritten per
// sample (load_sample), a constant's holds its number throughout.
template <class Entry>
struct data_entry {
  static constexpr bool valid = false;
};
template <fixed_string Name, class Column>
struct data_entry<column_binding<Name, Column>> {
  static constexpr bool valid = true, is_column = true;
  static constexpr fixed_string name = Name;
  template <class T>
  static T initial(const column_binding<Name, Column>&) {
    return T(0);
  }
};
template <fixed_string Name, Number N>
struct data_entry<binding<Name, N>> {
  static constexpr bool valid = true, is_column = false;
  static constexpr fixed_string name = Name;
  template <class T>
  static T initial(const binding<Name, N>& constant) {
    return static_cast<T>(constant.value);
  }
};

}  // namespace detail

template <class... Entries>
requires(detail::data_entry<Entries>::valid&&...) auto data(const Entries&... entries) {
  static_assert((detail::data_entry<Entries>::is_column || ...),
                "ctdiff: data(...) needs at least one column (x = xs; samples(x, X) for a tensor model)");
  static_assert(detail::all_distinct<detail::data_entry<Entries>::name...>(),
                "ctdiff: a symbol is bound twice in data(...)");
  // The sample count: the first column's length, which every other column must have.
  std::string_view first_name;
  std::size_t size = 0;
  bool measured = false;
  auto measure = [&]<class Entry>(const Entry& entry) {
    if constexpr (detail::data_entry<Entry>::is_column) {
      const std::string_view name = detail::data_entry<Entry>::name.view();
      if (!measured) {
        first_name = name;
        size = entry.values.size();
        measured = true;
      } else if (entry.values.size() != size) {
        throw std::invalid_argument("ctdiff: data columns differ in length: '" + std::string(first_name) + "' has " +
                                    std::to_string(size) + " values, '" + std::string(name) + "' has " +
                                    std::to_string(entry.values.size()));
      }
    }
  };
  (measure(entries), ...);
  return dataset<Entries...>{{entries...}, size};
}

namespace detail {

// The parameter symbols of a bindings type, as a Hana tuple of types to
// iterate over and as the wrt list of the gradient.
template <class Bindings>
struct parameter_symbols;
template <fixed_string... Names, class... Ts>
struct parameter_symbols<bindings<binding<Names, Ts>...>> {
  using types = boost::hana::tuple<boost::hana::type<symbol<Names>>...>;
  using wrt = wrt_list<symbol<Names>...>;
};

// One bindings object holding the parameters and a slot for every symbol of
// data(...), all in T. A symbol of data(...) that is also a parameter is
// reported, naming it, and left out of data's part, so that the bindings still
// hold each symbol once and that message is the only error.
template <class T, fixed_string... ParameterNames, class... Ps, class... Entries>
auto sample_bindings(const bindings<binding<ParameterNames, Ps>...>& parameters, const dataset<Entries...>& samples) {
  using parameter_bindings = bindings<binding<ParameterNames, Ps>...>;
  (require_not_in_params_and_data<data_entry<Entries>::name,
                                  is_bound_v<parameter_bindings, data_entry<Entries>::name>>(),
   ...);
  const auto data_only = boost::hana::filter(samples.entries, []<class Entry>(const Entry&) {
    return boost::hana::bool_c<!is_bound_v<parameter_bindings, data_entry<Entry>::name>>;
  });
  return boost::hana::unpack(data_only, [&]<class... Kept>(const Kept&... entries) {
    return at(binding<ParameterNames, T>{static_cast<T>(bound_value<ParameterNames>(parameters))}...,
              binding<data_entry<Kept>::name, T>{data_entry<Kept>::template initial<T>(entries)}...);
  });
}

template <class B, class Dataset>
void load_sample(B& b, const Dataset& samples, std::size_t index) {
  using T = typename B::value_type;
  boost::hana::for_each(samples.entries, [&]<class Entry>(const Entry& entry) {
    if constexpr (data_entry<Entry>::is_column)
      bound_value<data_entry<Entry>::name>(b) = static_cast<T>(entry.values[index]);
  });
}

}  // namespace detail

// The fitted parameters as bindings (result.parameters[w] or result[w]) beside
// the training record.
template <class ParameterBindings>
struct fit_result : training_result<typename ParameterBindings::value_type> {
  ParameterBindings parameters;

  template <fixed_string Name>
  auto operator[](symbol<Name> s) const {
    return parameters[s];
  }
};

namespace detail {

// The objective of fit(): the loss and its gradient over samples, evaluated
// in one bindings object whose data values are overwritten per sample. A copy
// (one per thread) has bindings of its own and reads the same flat parameters.
template <class Loss, class ParameterBindings, class Dataset>
struct fit_problem {
  using T = typename ParameterBindings::value_type;
  using symbols = typename parameter_symbols<ParameterBindings>::types;
  using W = typename parameter_symbols<ParameterBindings>::wrt;

  const Loss& loss;
  const Dataset& samples;
  std::span<const T, W::size> flat;  // the optimizer's parameters
  decltype(sample_bindings<T>(std::declval<const ParameterBindings&>(), std::declval<const Dataset&>())) b;

  // A symbol of the loss in neither params(...) nor data(...) is reported
  // here, naming it, and the evaluations below compile to nothing, so that
  // message is the only error.
  static constexpr bool loss_bound = all_bound_v<Loss, decltype(b)>;

  fit_problem(const Loss& l, std::span<const T, W::size> parameters, const ParameterBindings& initial, const Dataset& s)
      : loss(l), samples(s), flat(parameters), b(sample_bindings<T>(initial, s)) {
    if constexpr (!loss_bound) report_unbound_symbols<bound_in_params_or_data, decltype(b)>(symbols_t<Loss>{});
  }

  // The starting values in the order of the flat array.
  static std::array<T, W::size> flatten(const ParameterBindings& initial) {
    std::array<T, W::size> values{};
    boost::hana::for_each(symbols{}, [&](auto type) {
      using S = typename decltype(type)::type;
      values[W::template index_of<S>] = initial[S{}];
    });
    return values;
  }

  // The flat parameters (which the optimizer updates) into the bindings.
  void load_parameters() {
    boost::hana::for_each(symbols{}, [&](auto type) {
      using S = typename decltype(type)::type;
      b[S{}] = flat[W::template index_of<S>];
    });
  }

  T operator()(std::span<const std::size_t> indices, std::span<T> gradient) {
    if constexpr (loss_bound) return sum_over(indices, gradient);
    return T(0);
  }

  // The loop works on locals: the bindings written per sample and the sums
  // stay in registers, where the member bindings and the gradient span might
  // alias the columns, and would be stored and reloaded at every sample.
  T sum_over(std::span<const std::size_t> indices, std::span<T> gradient) {
    load_parameters();
    auto local = b;
    T sum = T(0);
    if (gradient.empty()) {
      for_each_sample(indices, [&](std::size_t index) {
        load_sample(local, samples, index);
        sum += eval(loss, local);
      });
      return sum;
    }
    const auto loss_gradient = ctdiff::gradient(loss, W{});
    std::array<T, W::size> sums{};
    for_each_sample(indices, [&](std::size_t index) {
      load_sample(local, samples, index);
      const auto [value, partials] = eval_with_value(loss_gradient, local);
      sum += value;
      for (std::size_t i = 0; i != W::size; ++i) sums[i] += partials[i];
    });
    for (std::size_t i = 0; i != W::size; ++i) gradient[i] += sums[i];
    return sum;
  }

  // A run of consecutive samples (a whole batch in order) is read without
  // the index list: one load less per sample, and the columns read in order.
  template <class Body>
  static void for_each_sample(std::span<const std::size_t> indices, Body&& body) {
    if (!indices.empty() && indices.back() - indices.front() + 1 == indices.size() &&
        std::is_sorted(indices.begin(), indices.end())) {
      for (std::size_t index = indices.front(), end = index + indices.size(); index != end; ++index) body(index);
    } else {
      for (std::size_t index : indices) body(index);
    }
  }

  void add_hessian(std::span<const std::size_t> indices, std::span<T> matrix) {
    if constexpr (loss_bound) add_hessian_over(indices, matrix);
  }

  void add_hessian_over(std::span<const std::size_t> indices, std::span<T> matrix) {
    load_parameters();
    const auto loss_hessian = ctdiff::hessian(loss, W{});
    for (std::size_t index : indices) {
      load_sample(b, samples, index);
      const auto rows = eval(loss_hessian, b);
      for (std::size_t i = 0; i != W::size; ++i) {
        for (std::size_t j = 0; j != W::size; ++j) matrix[i * W::size + j] += rows[i][j];
      }
    }
  }

  fit_result<ParameterBindings> finish(training_result<T>&& record, const ParameterBindings& initial) {
    load_parameters();
    fit_result<ParameterBindings> result{std::move(record), initial};
    boost::hana::for_each(symbols{}, [&](auto type) {
      using S = typename decltype(type)::type;
      result.parameters[S{}] = b[S{}];
    });
    return result;
  }
};

}  // namespace detail

// Fits the parameters to minimize the mean of `loss` over the samples, by
// the first-order method of options.method. Per sample the gradient is the
// compile-time reverse sweep of gradient(loss, wrt(parameters...)).
template <Expression Loss, class ParameterBindings, class... Columns>
auto fit(const Loss& loss, const parameter_list<ParameterBindings>& parameters, const dataset<Columns...>& samples,
         const options& o = {}) {
  using problem_type = detail::fit_problem<Loss, ParameterBindings, dataset<Columns...>>;
  auto flat = problem_type::flatten(parameters.initial);
  problem_type problem(loss, flat, parameters.initial, samples);
  auto record = minimize(problem, flat, samples.size, o);
  return problem.finish(std::move(record), parameters.initial);
}

// Without data: minimizes f over the parameters alone, by options.method
// (minimize(rosenbrock, params(a = -1.2, b = 1.0), {.method = optimizer::lbfgs})).
// fit's loop with one sample that binds no column.
template <Expression F, class ParameterBindings>
auto minimize(const F& f, const parameter_list<ParameterBindings>& parameters, const options& o = {}) {
  return fit(f, parameters, dataset<>{{}, 1}, o);
}

// The value of `model` for every sample, with the given parameter values
// (e.g. a fit's result.parameters).
template <Expression Model, class ParameterBindings, class... Entries>
auto predict(const Model& model, const ParameterBindings& parameters, const dataset<Entries...>& samples) {
  using T = typename ParameterBindings::value_type;
  auto b = detail::sample_bindings<T>(parameters, samples);
  std::vector<T> values(samples.size);
  if constexpr (all_bound_v<Model, decltype(b)>) {
    for (std::size_t i = 0; i != samples.size; ++i) {
      detail::load_sample(b, samples, i);
      values[i] = eval(model, b);
    }
  } else {
    detail::report_unbound_symbols<detail::bound_in_parameters_or_data, decltype(b)>(detail::symbols_t<Model>{});
  }
  return values;
}

}  // namespace ctdiff

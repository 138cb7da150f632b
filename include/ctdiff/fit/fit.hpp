// The expression layer of training: params(...) and data(...) bind a
// loss's parameter symbols and per-sample values in one bindings object, fit
// overwrites the data values in place for each sample and evaluates the
// compile-time gradient there, and hands the sum over samples to the epoch
// loop of optimize/minimize.hpp. predict evaluates a model on every sample.
#pragma once

#include <algorithm>
#include <array>
#include <boost/hana/filter.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>
#include <cstddef>
#include <ctdiff/core/detail/unrolled.hpp>
#include <ctdiff/engine/gradient.hpp>
#include <ctdiff/optimize/minimize.hpp>
#include <ctdiff/optimize/record.hpp>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctdiff {

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
// A family is its members, each a parameter: params(theta = std::array<double, 9>{}).
template <class... Arguments>
requires(is_family_binding_v<Arguments> || ...) constexpr auto params(const Arguments&... arguments) {
  return [&]<fixed_string... Names, class... Ts>(const bindings<binding<Names, Ts>...>& b) {
    return params(binding<Names, Ts>{detail::bound_value<Names>(b)}...);
  }
  (at(arguments...));
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

// The parameter symbols of a bindings type, as the wrt list of the gradient,
// and their values into and out of a flat array in that order (the
// optimizers' parameters: a std::array, a span, an Eigen vector). Every
// front end packs its parameters here.
template <class Bindings>
struct parameter_symbols;
template <fixed_string... Names, class... Ts>
struct parameter_symbols<bindings<binding<Names, Ts>...>> {
  using wrt = wrt_list<symbol<Names>...>;

  // Braced lists, not folds: clang++ stops at 256 operands in a fold, and a model can have more parameters.
  template <class B, class Flat>
  static void to_flat(const B& b, Flat& flat) {
    std::size_t i = 0;
    [[maybe_unused]] const int in_order[] = {0, (flat[i++] = b[symbol<Names>{}], 0)...};
  }
  template <class Flat, class B>
  static void from_flat(const Flat& flat, B& b) {
    std::size_t i = 0;
    [[maybe_unused]] const int in_order[] = {0, (b[symbol<Names>{}] = flat[i++], 0)...};
  }
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

// What a front end returns: its solver's record (training_result for fit
// and fit_newton; least_squares_record, which extends it, for least_squares)
// with the fitted parameters as bindings, result.parameters[w] or result[w]
// (a family gives its std::array).
template <class ParameterBindings, class Record>
struct fitted : Record {
  ParameterBindings parameters;

  template <class Symbol>
  requires is_symbol_v<Symbol> || is_symbol_family_v<Symbol>
  auto operator[](Symbol s) const { return parameters[s]; }
};

template <class ParameterBindings>
using fit_result = fitted<ParameterBindings, training_result<typename ParameterBindings::value_type>>;

namespace detail {

// The objective of fit(): the loss and its gradient over samples, evaluated
// in one bindings object whose data values are overwritten per sample. A copy
// (one per thread) has bindings of its own and reads the same flat parameters.
template <class Loss, class ParameterBindings, class Dataset>
struct fit_problem {
  using T = typename ParameterBindings::value_type;
  using W = typename parameter_symbols<ParameterBindings>::wrt;

  const Loss& loss;
  const Dataset& samples;
  std::span<const T, W::size> flat;  // the optimizer's parameters
  bool samples_in_order = false;     // every batch consecutive samples (set by the optimizer)
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
    parameter_symbols<ParameterBindings>::to_flat(initial, values);
    return values;
  }

  void set_samples_in_order(bool in_order) { samples_in_order = in_order; }

  // loss = factor() · summand() (core's constant_factor, ½ · r² for ½r²): a
  // sum over samples adds summand's values and gradients, a multiply less per
  // sample and partial, and multiplies by the factor once.
  const auto& summand() const { return constant_factor<Loss>::rest(loss); }
  T factor() const { return constant_factor<Loss>::template value<T>(loss); }

  // The flat parameters (which the optimizer updates) into the bindings.
  void load_parameters() { parameter_symbols<ParameterBindings>::from_flat(flat, b); }

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
        sum += eval(summand(), local);
      });
      return factor() * sum;
    }
    const auto loss_gradient = ctdiff::gradient(summand(), W{});
    std::array<T, W::size> sums{};
    for_each_sample(indices, [&](std::size_t index) {
      load_sample(local, samples, index);
      const auto evaluated = eval_with_value(loss_gradient, local);
      sum += evaluated.value;
      for_each_unrolled<W::size>([&](std::size_t i) { sums[i] += evaluated.gradient[i]; });
    });
    const T scale = factor();
    for_each_unrolled<W::size>([&](std::size_t i) { gradient[i] += scale * sums[i]; });
    return scale * sum;
  }

  // Every index one more than the one before: known where the optimizer says
  // so, else read off the list (no early exit, so that the compiler can
  // compare several indices per instruction).
  bool consecutive(std::span<const std::size_t> indices) const {
    if (indices.empty()) return false;
    if (samples_in_order) return true;
    if (indices.back() - indices.front() + 1 != indices.size()) return false;
    std::size_t out_of_place = 0;
    for (std::size_t i = 0; i != indices.size(); ++i) out_of_place += indices[i] != indices.front() + i;
    return out_of_place == 0;
  }

  // A run of consecutive samples (a whole batch in order) is read without
  // the index list: one load less per sample, and the columns read in order.
  template <class Body>
  void for_each_sample(std::span<const std::size_t> indices, Body&& body) const {
    if (consecutive(indices)) {
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
    fit_result<ParameterBindings> result{std::move(record), initial};
    parameter_symbols<ParameterBindings>::from_flat(flat, result.parameters);
    return result;
  }
};

}  // namespace detail

// Fits the parameters to minimize the mean of `loss` over the samples, by
// the first-order method of options.method. Per sample the gradient is the
// compile-time reverse sweep of gradient(loss, wrt(parameters...)).
namespace detail {

// What every expression front end does around its optimizer: the loss bound
// to the parameters and samples (fit_problem), the parameters as a flat
// array, and the result by symbol. optimize(problem, flat) runs the
// optimizer and returns its training_result: fit, fit_newton and mpi::fit
// differ only there.
// Problem is the objective's template: fit_problem, or packed_fit_problem
// (fit/packed.hpp), which sums a batch in order a pack of samples at a time.
template <template <class, class, class> class Problem = fit_problem, class Loss, class ParameterBindings,
          class Dataset, class Optimize>
auto fit_with(const Loss& loss, const parameter_list<ParameterBindings>& parameters, const Dataset& samples,
              Optimize&& optimize) {
  using problem_type = Problem<Loss, ParameterBindings, Dataset>;
  auto flat = problem_type::flatten(parameters.initial);
  problem_type problem(loss, flat, parameters.initial, samples);
  auto record = optimize(problem, flat);
  return problem.finish(std::move(record), parameters.initial);
}

}  // namespace detail

template <Expression Loss, class ParameterBindings, class... Columns>
auto fit(const Loss& loss, const parameter_list<ParameterBindings>& parameters, const dataset<Columns...>& samples,
         const options& o = {}) {
  return detail::fit_with(loss, parameters, samples,
                          [&](auto& problem, auto& flat) { return minimize(problem, flat, samples.size, o); });
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

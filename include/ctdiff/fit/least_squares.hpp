// Nonlinear least squares: minimizes ½Σᵢ rᵢ(θ)² for a residual expression
// over data columns (or a few residual expressions without data), by
// Levenberg–Marquardt or Gauss–Newton, with the Jacobian rows from the
// compile-time gradient of the residual: one forward pass and one reverse
// sweep per sample.
//
// The solver (optimize/levenberg_marquardt.hpp) is a template over the
// number type alone; linked from ctdiff::precompiled, it is not compiled here
// at all, and neither is Eigen.
//
// Needs Eigen 3.4, so it is not part of <ctdiff/ctdiff.hpp>: include it
// yourself and link the CMake target ctdiff::least_squares.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <ctdiff/fit/fit.hpp>
#include <ctdiff/optimize/least_squares_problem.hpp>
#if !defined(CTDIFF_PRECOMPILED)
#include <ctdiff/optimize/levenberg_marquardt.hpp>
#endif
#include <limits>
#include <span>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace ctdiff {

namespace detail {

// The expression layer: the parameters live in x (the solver's vector) and
// in the bindings where the residuals are evaluated.
template <class ParameterBindings>
struct parameter_vector {
  using T = typename ParameterBindings::value_type;
  using W = typename parameter_symbols<ParameterBindings>::wrt;
  static constexpr std::size_t size = W::size;
  using vector = std::vector<T>;

  static vector from(const auto& b) {
    vector x(size);
    parameter_symbols<ParameterBindings>::to_flat(b, x);
    return x;
  }
  static void into(std::span<const T> x, auto& b) { parameter_symbols<ParameterBindings>::from_flat(x, b); }
};

// The residuals of a list, evaluated in b, into f from index on; and, for
// jacobian_rows, their gradients into the same rows of j.
template <class... Residuals, class B, class T>
void residual_values(const std::tuple<Residuals...>& list, const B& b, std::span<T> f, std::size_t index) {
  std::apply([&](const auto&... r) { ((f[index++] = eval(r, b)), ...); }, list);
}
template <class W, class... Residuals, class B, class T>
void jacobian_rows(const std::tuple<Residuals...>& list, const B& b, std::span<T> f, jacobian_view<T> j,
                   std::size_t index) {
  auto row = [&](const auto& residual) {
    const auto [value, partials] = eval_with_value(gradient(residual, W{}), b);
    f[index] = value;
    for (std::size_t k = 0; k != W::size; ++k) j(index, k) = partials[k];
    ++index;
  };
  std::apply([&](const auto&... r) { (row(r), ...); }, list);
}

// A list of residual expressions evaluated per sample of a dataset, in
// bindings that hold the parameters and one slot per data column (as fit's):
// sample i's residuals are rows i·k ... i·k + k - 1 for k residuals.
template <class ParameterBindings, class Dataset, class... Residuals>
struct sample_residuals {
  using layout = parameter_vector<ParameterBindings>;
  using T = typename layout::T;
  static constexpr std::size_t per_sample = sizeof...(Residuals);
  std::tuple<Residuals...> list;
  const Dataset& samples;
  decltype(sample_bindings<T>(std::declval<const ParameterBindings&>(), std::declval<const Dataset&>())) b;

  // A symbol of a residual in neither params(...) nor data(...) is reported
  // here, naming it, and the solver is not compiled (solve_expression_problem),
  // so that message is the only error.
  static constexpr bool bound = (all_bound_v<Residuals, decltype(b)> && ...);

  sample_residuals(const std::tuple<Residuals...>& l, const ParameterBindings& initial, const Dataset& s)
      : list(l), samples(s), b(sample_bindings<T>(initial, s)) {
    if constexpr (!bound) {
      (report_unbound_symbols<bound_in_params_or_data, decltype(b)>(symbols_t<Residuals>{}), ...);
    }
  }
  std::size_t residual_count() const { return samples.size * per_sample; }
  static std::size_t first_row(std::size_t sample) { return sample * per_sample; }

  bool residuals(std::span<const T> x, std::span<T> f) {
    layout::into(x, b);
    residuals_of(0, f);
    return all_finite<T>(f);
  }
  bool jacobian(std::span<const T> x, std::span<T> f, jacobian_view<T> j) {
    layout::into(x, b);
    jacobian_of(0, f, j);
    return all_finite<T>(f) && all_finite<T>(j.all());
  }

  // The rows of samples first ... size - 1, the parameters already in b.
  void residuals_of(std::size_t first, std::span<T> f) {
    for (std::size_t i = first; i != samples.size; ++i) {
      load_sample(b, samples, i);
      residual_values(list, b, f, first_row(i));
    }
  }
  void jacobian_of(std::size_t first, std::span<T> f, jacobian_view<T> j) {
    for (std::size_t i = first; i != samples.size; ++i) {
      load_sample(b, samples, i);
      jacobian_rows<typename layout::W>(list, b, f, j, first_row(i));
    }
  }
};

// A fixed list of residual expressions over the parameters alone.
template <class ParameterBindings, class... Residuals>
struct listed_residuals {
  using layout = parameter_vector<ParameterBindings>;
  using T = typename layout::T;
  const std::tuple<Residuals...>& list;
  ParameterBindings b;

  // As sample_residuals: one message per symbol that is not a parameter.
  static constexpr bool bound = (all_bound_v<Residuals, ParameterBindings> && ...);

  listed_residuals(const std::tuple<Residuals...>& l, const ParameterBindings& initial) : list(l), b(initial) {
    if constexpr (!bound) {
      (report_unbound_symbols<bound_in_params, ParameterBindings>(symbols_t<Residuals>{}), ...);
    }
  }
  std::size_t residual_count() const { return sizeof...(Residuals); }

  bool residuals(std::span<const T> x, std::span<T> f) {
    layout::into(x, b);
    residual_values(list, b, f, 0);
    return all_finite<T>(f);
  }
  bool jacobian(std::span<const T> x, std::span<T> f, jacobian_view<T> j) {
    layout::into(x, b);
    jacobian_rows<typename layout::W>(list, b, f, j, 0);
    return all_finite<T>(f) && all_finite<T>(j.all());
  }
};

}  // namespace detail

// The fitted parameters (result[b1], result.parameters[b1]) and their
// standard errors (result.standard_errors[b1]) beside the solver's record.
template <class ParameterBindings>
struct least_squares_result : fitted<ParameterBindings, least_squares_record<typename ParameterBindings::value_type>> {
  ParameterBindings standard_errors;  // the square roots of the covariance's diagonal
};

namespace detail {

template <class ParameterBindings, class Problem>
least_squares_result<ParameterBindings> solve_expression_problem(Problem& problem, const ParameterBindings& initial,
                                                                 const least_squares_options& o) {
  using T = typename ParameterBindings::value_type;
  static_assert(solver_available<T, least_squares_solver_defined<T>>,
                "ctdiff: ctdiff::precompiled holds least_squares for float and double; for another number type, "
                "#include <ctdiff/optimize/levenberg_marquardt.hpp> too (the solver is then compiled here)");
  if constexpr (Problem::bound) {
    using layout = parameter_vector<ParameterBindings>;
    typename layout::vector x = layout::from(initial);
    least_squares_result<ParameterBindings> result{
        {solve_least_squares(residual_problem<T>(problem), std::span<T>(x), o), initial}, initial};
    layout::into(x, result.parameters);
    std::vector<T> standard_errors(layout::size);
    for (std::size_t i = 0; i != layout::size; ++i) standard_errors[i] = std::sqrt(result.covariance(i, i));
    layout::into(standard_errors, result.standard_errors);
    return result;
  } else {
    return least_squares_result<ParameterBindings>{{{}, initial}, initial};  // the problem reported its unbound symbols
  }
}

// least_squares over samples with the residuals evaluated by Problem
// (sample_residuals, or a pack of samples at a time: fit/packed_least_squares.hpp).
template <template <class, class, class...> class Problem, class... Residuals, class ParameterBindings, class Dataset>
auto least_squares_with(const residual_list<Residuals...>& list, const parameter_list<ParameterBindings>& parameters,
                        const Dataset& samples, const least_squares_options& o) {
  Problem<ParameterBindings, Dataset, Residuals...> problem(list.expressions, parameters.initial, samples);
  return solve_expression_problem(problem, parameters.initial, o);
}

}  // namespace detail

// Minimizes ½Σᵢ rᵢ² where rᵢ is `residual` on sample i of the data, over
// the parameters. Every symbol of the residual must be a parameter or a
// data column.
template <class... Residuals, class ParameterBindings, class... Columns>
auto least_squares(const residual_list<Residuals...>& list, const parameter_list<ParameterBindings>& parameters,
                   const dataset<Columns...>& samples, const least_squares_options& o = {}) {
  return detail::least_squares_with<detail::sample_residuals>(list, parameters, samples, o);
}

// Several residuals per sample: least_squares(residuals(px - ..., py - ...),
// params(...), data(t = ts, px = xs, py = ys)) minimizes the sum of all their squares.
template <Expression Residual, class ParameterBindings, class... Columns>
auto least_squares(const Residual& residual, const parameter_list<ParameterBindings>& parameters,
                   const dataset<Columns...>& samples, const least_squares_options& o = {}) {
  return least_squares(residuals(residual), parameters, samples, o);
}

// Minimizes ½Σₖ rₖ² over the parameters for a few residual expressions
// without data: least_squares(residuals(10 * (b - a * a), 1 - a), params(a = -1.2, b = 1.0)).
template <class... Residuals, class ParameterBindings>
auto least_squares(const residual_list<Residuals...>& list, const parameter_list<ParameterBindings>& parameters,
                   const least_squares_options& o = {}) {
  detail::listed_residuals<ParameterBindings, Residuals...> problem(list.expressions, parameters.initial);
  return detail::solve_expression_problem(problem, parameters.initial, o);
}

}  // namespace ctdiff

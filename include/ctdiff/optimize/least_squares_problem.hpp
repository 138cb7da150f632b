// What least squares' solver (levenberg_marquardt.hpp) takes and returns,
// in standard types only: the options, the record, and the model-specific
// part of a problem behind two function pointers. A program that links the
// ctdiff::precompiled component sees this header and not the solver's, so it
// parses no Eigen at all.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <ctdiff/optimize/detail/precompiled.hpp>
#include <ctdiff/optimize/record.hpp>
#include <span>
#include <type_traits>
#include <vector>

namespace ctdiff {

enum class least_squares_method { levenberg_marquardt, gauss_newton };

// Least squares' stops are stop_reason's (stop_reason.hpp); the old name stays.
using least_squares_stop = stop_reason;

constexpr const char* to_string(least_squares_method method) {
  switch (method) {
    case least_squares_method::levenberg_marquardt:
      return "Levenberg-Marquardt";
    case least_squares_method::gauss_newton:
      return "Gauss-Newton";
  }
  return "unknown method";
}

// The tolerances are MINPACK's ftol, xtol and gtol.
struct least_squares_options {
  least_squares_method method = least_squares_method::levenberg_marquardt;
  // Stop when both the actual and the predicted relative reduction of the cost are at most this.
  double function_tolerance = 1e-15;
  // Stop when the trust region (LM) or the step (GN), scaled by the Jacobian's column norms, is at
  // most this times the scaled parameters' norm.
  double parameter_tolerance = 1e-15;
  // Stop when the cosine of the angle between the residual vector and every Jacobian column is at most this.
  double gradient_tolerance = 0;
  // Steps tried, each one evaluation of the residuals; a rejected LM step counts too.
  std::size_t max_iterations = 1000;
  // The first trust region is this times the scaled norm of the start (or this, at a zero start).
  double initial_trust_region_factor = 100;
};

// An n×n matrix of the parameters, in the order of params(...): m(i, j).
template <class T>
struct square_matrix {
  std::size_t size = 0;
  std::vector<T> values;  // column after column

  square_matrix() = default;
  square_matrix(std::size_t n, T value) : size(n), values(n * n, value) {}
  T& operator()(std::size_t i, std::size_t j) { return values[j * size + i]; }
  const T& operator()(std::size_t i, std::size_t j) const { return values[j * size + i]; }
  std::size_t rows() const { return size; }
  std::size_t cols() const { return size; }
};

// What the solver reports besides the parameters: the record of every
// solver (its steps are iterations, its loss the cost ½Σr², its gradient
// Jᵀr) and the statistics of the Jacobian at the solution.
template <class T>
struct least_squares_record : training_result<T> {
  std::size_t jacobian_rank = 0;
  // s²·(JᵀJ)⁻¹ at the solution, s² = 2·loss_per_epoch.back()/(n − p) (the cost ½Σr² at the end);
  // NaN if J is rank-deficient or n = p.
  square_matrix<T> covariance;
};

namespace detail {

template <class T>
bool all_finite(std::span<const T> values) {
  return std::all_of(values.begin(), values.end(), [](const T& v) { return std::isfinite(v); });
}

// The Jacobian as the solver stores it: rows residuals, columns parameters,
// column after column.
template <class T>
struct jacobian_view {
  T* values;
  std::size_t rows, cols;
  T& operator()(std::size_t row, std::size_t col) const { return values[col * rows + row]; }
  std::span<T> all() const { return {values, rows * cols}; }
};

// The model-specific part of a problem, seen by the solver through two
// function pointers: residuals(x, f) fills f and says whether it is finite;
// jacobian(x, f, J) fills both at x. So the solver is a template over the
// number type alone, instantiated once per program (or precompiled: see
// CTDIFF_PRECOMPILED below), whatever the models.
template <class T>
class residual_problem {
 public:
  template <class Problem>
  explicit residual_problem(Problem& problem)
      : context_(&problem),
        residual_count_(problem.residual_count()),
        residuals_(
            [](void* p, std::span<const T> x, std::span<T> f) { return static_cast<Problem*>(p)->residuals(x, f); }),
        jacobian_([](void* p, std::span<const T> x, std::span<T> f, jacobian_view<T> j) {
          return static_cast<Problem*>(p)->jacobian(x, f, j);
        }) {}

  std::size_t residual_count() const { return residual_count_; }
  bool residuals(std::span<const T> x, std::span<T> f) const { return residuals_(context_, x, f); }
  bool jacobian(std::span<const T> x, std::span<T> f, jacobian_view<T> j) const { return jacobian_(context_, x, f, j); }

 private:
  void* context_;
  std::size_t residual_count_;
  bool (*residuals_)(void*, std::span<const T>, std::span<T>);
  bool (*jacobian_)(void*, std::span<const T>, std::span<T>, jacobian_view<T>);
};

// Whether the solver's definition for T is in this translation unit:
// levenberg_marquardt.hpp says so, for every T.
template <class T, class = void>
struct least_squares_solver_defined : std::false_type {};

// Minimizes ½|f(x)|² from x, leaving the solution in x (levenberg_marquardt.hpp).
template <class T>
least_squares_record<T> solve_least_squares(const residual_problem<T>& problem, std::span<T> x,
                                            const least_squares_options& o);

// With the ctdiff::precompiled component (which defines CTDIFF_PRECOMPILED),
// the solver for float and double is compiled once, in that library, not in
// every translation unit that fits a curve.
#if defined(CTDIFF_PRECOMPILED)
extern template least_squares_record<float> solve_least_squares(const residual_problem<float>&, std::span<float>,
                                                                const least_squares_options&);
extern template least_squares_record<double> solve_least_squares(const residual_problem<double>&, std::span<double>,
                                                                 const least_squares_options&);
#endif

}  // namespace detail
}  // namespace ctdiff

// Nonlinear least squares: minimizes ½Σᵢ rᵢ(θ)² for a residual expression
// over data columns (or a few residual expressions without data), by
// Levenberg–Marquardt or Gauss–Newton, with the Jacobian rows from the
// compile-time gradient of the residual: one forward pass and one reverse
// sweep per sample.
//
// Levenberg–Marquardt follows MINPACK's lmder and lmpar (Moré, "The
// Levenberg–Marquardt algorithm: implementation and theory", 1978): a trust
// region on the step scaled by the Jacobian's column norms, the Marquardt
// parameter found for that region by a safeguarded Newton iteration, and
// MINPACK's stopping rules. The Jacobian is factored by Eigen's
// column-pivoting Householder QR; the damped system [J; √λ·D] p ≅ [−r; 0] is
// then solved from R by Givens rotations, without forming JᵀJ.
//
// Needs Eigen 3.4, so it is not part of <ctdiff/ctdiff.hpp>: include it
// yourself and link the CMake target ctdiff::least_squares.
#pragma once

#include <Eigen/Core>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <ctdiff/train.hpp>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace ctdiff {

enum class least_squares_method { levenberg_marquardt, gauss_newton };

enum class least_squares_stop {
  function_tolerance,   // the actual and predicted relative reductions of the cost are <= function_tolerance
  parameter_tolerance,  // the relative (scaled) step is <= parameter_tolerance
  gradient_tolerance,   // every Jacobian column is within gradient_tolerance of orthogonal to the residuals
  max_iterations,       // tried options.max_iterations steps
  no_further_progress,  // the tolerances are too small: no step reduces the cost at machine precision
  non_finite_residual,  // a residual or Jacobian entry is NaN or infinite at the start (LM) or after a step (GN)
  singular_jacobian,    // Gauss–Newton met a rank-deficient Jacobian
};

constexpr std::string_view to_string(least_squares_method method) {
  switch (method) {
    case least_squares_method::levenberg_marquardt:
      return "Levenberg-Marquardt";
    case least_squares_method::gauss_newton:
      return "Gauss-Newton";
  }
  return "unknown method";
}

constexpr std::string_view to_string(least_squares_stop reason) {
  switch (reason) {
    case least_squares_stop::function_tolerance:
      return "relative cost reduction below tolerance";
    case least_squares_stop::parameter_tolerance:
      return "relative step below tolerance";
    case least_squares_stop::gradient_tolerance:
      return "gradient below tolerance";
    case least_squares_stop::max_iterations:
      return "reached the maximum iteration count";
    case least_squares_stop::no_further_progress:
      return "no further progress possible at machine precision";
    case least_squares_stop::non_finite_residual:
      return "residual or Jacobian not finite";
    case least_squares_stop::singular_jacobian:
      return "Jacobian is rank-deficient";
  }
  return "unknown stop reason";
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

// What the solver reports besides the parameters; Eigen types are in the
// order of params(...).
template <class T, int N>
struct least_squares_record {
  least_squares_stop stop = least_squares_stop::max_iterations;
  std::size_t iterations = 0;  // steps tried
  std::vector<T> cost;         // ½Σr²: [0] at the start, then after every iteration
  std::size_t jacobian_rank = 0;
  // s²·(JᵀJ)⁻¹ at the solution, s² = 2·cost/(n − p); NaN if J is rank-deficient or n = p.
  Eigen::Matrix<T, N, N> covariance;
};

namespace detail {

template <class T>
using dynamic_vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <class T, int N>
using jacobian_matrix = Eigen::Matrix<T, Eigen::Dynamic, N>;

// The solution of [R; D·Pᵀ·... ] in MINPACK's qrsolv: given the n×n upper
// triangle of r (J·P = Q·R), the permutation, a diagonal d and qtb = (Qᵀr)
// first n entries, finds x minimizing |J x − b|² + |D x|² by rotating D's
// rows into R. Leaves the rotated triangle S's diagonal in sdiag and its
// strict lower part transposed in r's lower triangle (lmpar needs it).
template <class T, int N>
void solve_damped(Eigen::Matrix<T, N, N>& r, const Eigen::Matrix<int, N, 1>& permutation,
                  const Eigen::Matrix<T, N, 1>& d, const Eigen::Matrix<T, N, 1>& qtb, Eigen::Matrix<T, N, 1>& x,
                  Eigen::Matrix<T, N, 1>& sdiag) {
  const int n = static_cast<int>(r.cols());
  Eigen::Matrix<T, N, 1> rhs = qtb;
  for (int j = 0; j < n; ++j) {
    for (int i = j; i < n; ++i) r(i, j) = r(j, i);
    x[j] = r(j, j);
  }
  for (int j = 0; j < n; ++j) {
    const T dj = d[permutation[j]];
    if (dj != 0) {
      sdiag.tail(n - j).setZero();
      sdiag[j] = dj;
      T rotated_rhs = 0;
      for (int k = j; k < n; ++k) {
        if (sdiag[k] == 0) continue;
        T sine, cosine;  // the Givens rotation that zeroes sdiag[k] against r(k, k)
        if (std::abs(r(k, k)) < std::abs(sdiag[k])) {
          const T cotangent = r(k, k) / sdiag[k];
          sine = T(0.5) / std::sqrt(T(0.25) + T(0.25) * cotangent * cotangent);
          cosine = sine * cotangent;
        } else {
          const T tangent = sdiag[k] / r(k, k);
          cosine = T(0.5) / std::sqrt(T(0.25) + T(0.25) * tangent * tangent);
          sine = cosine * tangent;
        }
        r(k, k) = cosine * r(k, k) + sine * sdiag[k];
        const T rhs_k = cosine * rhs[k] + sine * rotated_rhs;
        rotated_rhs = -sine * rhs[k] + cosine * rotated_rhs;
        rhs[k] = rhs_k;
        for (int i = k + 1; i < n; ++i) {
          const T rik = cosine * r(i, k) + sine * sdiag[i];
          sdiag[i] = -sine * r(i, k) + cosine * sdiag[i];
          r(i, k) = rik;
        }
      }
    }
    sdiag[j] = r(j, j);
    r(j, j) = x[j];
  }
  // Back substitution in S; a singular S gives the least-squares solution with zeros.
  int rank = n;
  for (int j = 0; j < n; ++j) {
    if (sdiag[j] == 0 && rank == n) rank = j;
    if (rank < n) rhs[j] = 0;
  }
  for (int j = rank - 1; j >= 0; --j) {
    T sum = 0;
    for (int i = j + 1; i < rank; ++i) sum += r(i, j) * rhs[i];
    rhs[j] = (rhs[j] - sum) / sdiag[j];
  }
  for (int j = 0; j < n; ++j) x[permutation[j]] = rhs[j];
}

// MINPACK's lmpar: the Marquardt parameter λ (par) for which the step
// x = −(JᵀJ + λD²)⁻¹Jᵀr has |D x| within 10% of delta, or λ = 0 if the
// Gauss–Newton step is already inside. At most 10 Newton iterations on λ,
// kept between bounds that tighten as it goes.
template <class T, int N>
void marquardt_parameter(Eigen::Matrix<T, N, N>& r, const Eigen::Matrix<int, N, 1>& permutation,
                         const Eigen::Matrix<T, N, 1>& d, const Eigen::Matrix<T, N, 1>& qtb, T delta, T& par,
                         Eigen::Matrix<T, N, 1>& x, Eigen::Matrix<T, N, 1>& sdiag) {
  const int n = static_cast<int>(r.cols());
  const T dwarf = std::numeric_limits<T>::min();
  Eigen::Matrix<T, N, 1> work1(n), work2(n);

  // The Gauss–Newton direction (least-squares solution if R is singular).
  int rank = n;
  work1 = qtb;
  for (int j = 0; j < n; ++j) {
    if (r(j, j) == 0 && rank == n) rank = j;
    if (rank < n) work1[j] = 0;
  }
  for (int j = rank - 1; j >= 0; --j) {
    work1[j] /= r(j, j);
    for (int i = 0; i < j; ++i) work1[i] -= r(i, j) * work1[j];
  }
  for (int j = 0; j < n; ++j) x[permutation[j]] = work1[j];

  work2 = d.cwiseProduct(x);
  T dxnorm = work2.norm();
  T fp = dxnorm - delta;
  if (fp <= T(0.1) * delta) {
    par = 0;
    return;
  }

  // A lower bound from the Newton step at λ = 0 (only if J has full rank).
  T lower = 0;
  if (rank == n) {
    for (int j = 0; j < n; ++j) {
      const int l = permutation[j];
      work1[j] = d[l] * (work2[l] / dxnorm);
    }
    for (int j = 0; j < n; ++j) {
      T sum = 0;
      for (int i = 0; i < j; ++i) sum += r(i, j) * work1[i];
      work1[j] = (work1[j] - sum) / r(j, j);
    }
    const T norm = work1.norm();
    lower = ((fp / delta) / norm) / norm;
  }
  // An upper bound: |D⁻¹Jᵀr| / delta.
  for (int j = 0; j < n; ++j) {
    T sum = 0;
    for (int i = 0; i <= j; ++i) sum += r(i, j) * qtb[i];
    work1[j] = sum / d[permutation[j]];
  }
  const T gradient_norm = work1.norm();
  T upper = gradient_norm / delta;
  if (upper == 0) upper = dwarf / std::min(delta, T(0.1));

  par = std::clamp(par, lower, upper);
  if (par == 0) par = gradient_norm / dxnorm;

  for (int iteration = 1;; ++iteration) {
    if (par == 0) par = std::max(dwarf, T(0.001) * upper);
    work1 = std::sqrt(par) * d;
    solve_damped(r, permutation, work1, qtb, x, sdiag);
    work2 = d.cwiseProduct(x);
    dxnorm = work2.norm();
    const T previous_fp = fp;
    fp = dxnorm - delta;
    if (std::abs(fp) <= T(0.1) * delta || (lower == 0 && fp <= previous_fp && previous_fp < 0) || iteration == 10) {
      return;
    }
    // Newton's correction of λ, from the rotated triangle S.
    for (int j = 0; j < n; ++j) {
      const int l = permutation[j];
      work1[j] = d[l] * (work2[l] / dxnorm);
    }
    for (int j = 0; j < n; ++j) {
      work1[j] /= sdiag[j];
      for (int i = j + 1; i < n; ++i) work1[i] -= r(i, j) * work1[j];
    }
    const T norm = work1.norm();
    const T correction = ((fp / delta) / norm) / norm;
    if (fp > 0) lower = std::max(lower, par);
    if (fp < 0) upper = std::min(upper, par);
    par = std::max(lower, par + correction);
  }
}

// The column-pivoted QR of J and what both methods read from it.
template <class T, int N>
struct factored_jacobian {
  Eigen::ColPivHouseholderQR<jacobian_matrix<T, N>> qr;
  Eigen::Matrix<T, N, N> r;              // the n×n upper triangle R (lower part: workspace)
  Eigen::Matrix<int, N, 1> permutation;  // column j of J·P is column permutation[j] of J
  Eigen::Matrix<T, N, 1> qtf;            // the first n entries of Qᵀf
  Eigen::Matrix<T, N, 1> column_norms;   // of J, in the parameters' order
  dynamic_vector<T> rotated;

  factored_jacobian(Eigen::Index m, Eigen::Index n)
      : qr(m, n), r(n, n), permutation(n), qtf(n), column_norms(n), rotated(m) {}

  void factor(const jacobian_matrix<T, N>& jacobian, const dynamic_vector<T>& f) {
    const Eigen::Index n = jacobian.cols();
    column_norms = jacobian.colwise().norm().transpose();
    qr.compute(jacobian);
    r = qr.matrixQR().topRows(n).template triangularView<Eigen::Upper>();
    permutation = qr.colsPermutation().indices().template cast<int>();
    rotated = f;
    rotated.applyOnTheLeft(qr.householderQ().adjoint());
    qtf = rotated.head(n);
  }

  // MINPACK's gnorm: the largest cosine between f and a column of J.
  T gradient_cosine(T fnorm) const {
    T largest = 0;
    if (fnorm == 0) return largest;
    for (Eigen::Index j = 0; j < r.cols(); ++j) {
      const T norm = column_norms[permutation[j]];
      if (norm == 0) continue;
      const T sum = r.col(j).head(j + 1).dot(qtf.head(j + 1)) / fnorm;
      largest = std::max(largest, std::abs(sum / norm));
    }
    return largest;
  }
};

// The problem: residuals(x, f) fills f and says whether it is finite;
// jacobian(x, f, J) fills both at x.
template <class T, int N, class Problem>
least_squares_record<T, N> solve_least_squares(Problem& problem, Eigen::Matrix<T, N, 1>& x,
                                               const least_squares_options& o) {
  const Eigen::Index m = static_cast<Eigen::Index>(problem.residual_count());
  const Eigen::Index n = x.size();
  if (m < n) {
    throw std::invalid_argument("ctdiff: least_squares needs at least as many residuals (" + std::to_string(m) +
                                ") as parameters (" + std::to_string(n) + ")");
  }
  const T epsilon = std::numeric_limits<T>::epsilon();
  const T ftol = static_cast<T>(o.function_tolerance);
  const T xtol = static_cast<T>(o.parameter_tolerance);
  const T gtol = static_cast<T>(o.gradient_tolerance);
  least_squares_record<T, N> record;
  record.covariance.setConstant(n, n, std::numeric_limits<T>::quiet_NaN());

  dynamic_vector<T> f(m), trial_f(m);
  jacobian_matrix<T, N> jacobian(m, n);
  factored_jacobian<T, N> factored(m, n);
  Eigen::Matrix<T, N, 1> scale(n), step(n), trial(n), sdiag(n), predicted(n);

  if (!problem.jacobian(x, f, jacobian)) {
    record.stop = least_squares_stop::non_finite_residual;
    return record;
  }
  T fnorm = f.norm();
  record.cost.push_back(fnorm * fnorm / 2);
  const bool newton = o.method == least_squares_method::gauss_newton;
  T par = 0;
  T delta = 0;
  T xnorm = 0;
  bool first = true;
  for (;;) {
    factored.factor(jacobian, f);
    if (first) {
      scale = factored.column_norms.unaryExpr([](T norm) { return norm == 0 ? T(1) : norm; });
      xnorm = scale.cwiseProduct(x).norm();
      delta = static_cast<T>(o.initial_trust_region_factor) * xnorm;
      if (delta == 0) delta = static_cast<T>(o.initial_trust_region_factor);
    }
    const T gnorm = factored.gradient_cosine(fnorm);
    if (gnorm <= gtol) {
      record.stop = least_squares_stop::gradient_tolerance;
      break;
    }
    scale = scale.cwiseMax(factored.column_norms);

    if (newton) {
      if (factored.qr.rank() < n) {
        record.stop = least_squares_stop::singular_jacobian;
        break;
      }
      step = -factored.qr.solve(f);
      trial = x + step;
      ++record.iterations;
      if (!problem.residuals(trial, trial_f)) {
        record.stop = least_squares_stop::non_finite_residual;
        break;
      }
      const T trial_fnorm = trial_f.norm();
      const T reduction = std::abs(1 - (trial_fnorm / fnorm) * (trial_fnorm / fnorm));
      const T step_norm = scale.cwiseProduct(step).norm();
      x = trial;
      xnorm = scale.cwiseProduct(x).norm();
      fnorm = trial_fnorm;
      record.cost.push_back(fnorm * fnorm / 2);
      if (reduction <= ftol) {
        record.stop = least_squares_stop::function_tolerance;
        break;
      }
      if (step_norm <= xtol * xnorm) {
        record.stop = least_squares_stop::parameter_tolerance;
        break;
      }
      if (record.iterations >= o.max_iterations) {
        record.stop = least_squares_stop::max_iterations;
        break;
      }
      if (!problem.jacobian(x, f, jacobian)) {
        record.stop = least_squares_stop::non_finite_residual;
        break;
      }
      continue;
    }

    // Levenberg–Marquardt: try steps until one reduces the cost enough.
    bool stopped = false;
    bool accepted = false;
    while (!accepted && !stopped) {
      marquardt_parameter(factored.r, factored.permutation, scale, factored.qtf, delta, par, step, sdiag);
      step = -step;
      trial = x + step;
      const T pnorm = scale.cwiseProduct(step).norm();
      if (first) delta = std::min(delta, pnorm);
      ++record.iterations;
      // A non-finite trial is a failed step: the trust region shrinks.
      const T trial_fnorm = problem.residuals(trial, trial_f) ? trial_f.norm() : std::numeric_limits<T>::infinity();

      const T actual = T(0.1) * trial_fnorm < fnorm ? 1 - (trial_fnorm / fnorm) * (trial_fnorm / fnorm) : T(-1);
      for (Eigen::Index j = 0; j < n; ++j) predicted[j] = step[factored.permutation[j]];
      predicted = factored.r.template triangularView<Eigen::Upper>() * predicted;
      const T linear_part = predicted.norm() / fnorm;
      const T damping_part = std::sqrt(par) * pnorm / fnorm;
      const T predicted_reduction = linear_part * linear_part + 2 * damping_part * damping_part;
      const T directional = -(linear_part * linear_part + damping_part * damping_part);
      const T ratio = predicted_reduction != 0 ? actual / predicted_reduction : T(0);

      if (ratio <= T(0.25)) {
        T shrink = actual >= 0 ? T(0.5) : T(0.5) * directional / (directional + T(0.5) * actual);
        if (T(0.1) * trial_fnorm >= fnorm || shrink < T(0.1)) shrink = T(0.1);
        delta = shrink * std::min(delta, pnorm / T(0.1));
        par /= shrink;
      } else if (par == 0 || ratio >= T(0.75)) {
        delta = pnorm / T(0.5);
        par *= T(0.5);
      }
      if (ratio >= T(1e-4)) {
        accepted = true;
        first = false;
        x = trial;
        xnorm = scale.cwiseProduct(x).norm();
        f = trial_f;
        fnorm = trial_fnorm;
      }
      record.cost.push_back(fnorm * fnorm / 2);

      const bool cost_converged = std::abs(actual) <= ftol && predicted_reduction <= ftol && T(0.5) * ratio <= 1;
      if (cost_converged) {
        record.stop = least_squares_stop::function_tolerance;
        stopped = true;
      } else if (delta <= xtol * xnorm) {
        record.stop = least_squares_stop::parameter_tolerance;
        stopped = true;
      } else if (record.iterations >= o.max_iterations) {
        record.stop = least_squares_stop::max_iterations;
        stopped = true;
      } else if ((std::abs(actual) <= epsilon && predicted_reduction <= epsilon && T(0.5) * ratio <= 1) ||
                 delta <= epsilon * xnorm || gnorm <= epsilon) {
        record.stop = least_squares_stop::no_further_progress;
        stopped = true;
      }
    }
    if (stopped) break;
    if (!problem.jacobian(x, f, jacobian)) {
      record.stop = least_squares_stop::non_finite_residual;
      break;
    }
  }
  // The statistics at the returned parameters (the Jacobian of the last
  // accepted point; a rejected trial does not move x).
  if (problem.jacobian(x, f, jacobian)) {
    factored.factor(jacobian, f);
    record.jacobian_rank = static_cast<std::size_t>(factored.qr.rank());
    if (record.jacobian_rank == static_cast<std::size_t>(n) && m > n) {
      const T variance = f.squaredNorm() / static_cast<T>(m - n);
      Eigen::Matrix<T, N, N> inverse_r =
          factored.qr.matrixR().topLeftCorner(n, n).template triangularView<Eigen::Upper>().solve(
              Eigen::Matrix<T, N, N>::Identity(n, n));
      const Eigen::Matrix<T, N, N> pivoted = inverse_r * inverse_r.transpose();
      for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < n; ++j) {
          record.covariance(factored.permutation[i], factored.permutation[j]) = variance * pivoted(i, j);
        }
      }
    }
  }
  return record;
}

// The expression layer: the parameters live in x (the solver's vector) and
// in the bindings where the residuals are evaluated.
template <class ParameterBindings>
struct parameter_vector {
  using T = typename ParameterBindings::value_type;
  using symbols = typename parameter_symbols<ParameterBindings>::types;
  using W = typename parameter_symbols<ParameterBindings>::wrt;
  static constexpr int size = static_cast<int>(W::size);
  using vector = Eigen::Matrix<T, size, 1>;

  static vector from(const auto& b) {
    vector x(size);
    boost::hana::for_each(symbols{}, [&](auto type) {
      using S = typename decltype(type)::type;
      x[W::template index_of<S>] = b[S{}];
    });
    return x;
  }
  static void into(const vector& x, auto& b) {
    boost::hana::for_each(symbols{}, [&](auto type) {
      using S = typename decltype(type)::type;
      b[S{}] = x[W::template index_of<S>];
    });
  }
};

// One residual expression evaluated per sample of a dataset, in bindings
// that hold the parameters and one slot per data column (as fit's).
template <class Residual, class ParameterBindings, class Dataset>
struct sample_residuals {
  using layout = parameter_vector<ParameterBindings>;
  using T = typename layout::T;
  const Residual& residual;
  const Dataset& samples;
  decltype(sample_bindings<T>(std::declval<const ParameterBindings&>(), std::declval<const Dataset&>())) b;

  // A symbol of the residual in neither params(...) nor data(...) is reported
  // here, naming it, and the solver is not compiled (solve_expression_problem),
  // so that message is the only error.
  static constexpr bool bound = all_bound_v<Residual, decltype(b)>;

  sample_residuals(const Residual& r, const ParameterBindings& initial, const Dataset& s)
      : residual(r), samples(s), b(sample_bindings<T>(initial, s)) {
    if constexpr (!bound) report_unbound_symbols<bound_in_params_or_data, decltype(b)>(symbols_t<Residual>{});
  }
  std::size_t residual_count() const { return samples.size; }

  bool residuals(const typename layout::vector& x, dynamic_vector<T>& f) {
    layout::into(x, b);
    for (std::size_t i = 0; i != samples.size; ++i) {
      load_sample(b, samples, i);
      f[static_cast<Eigen::Index>(i)] = eval(residual, b);
    }
    return f.allFinite();
  }
  bool jacobian(const typename layout::vector& x, dynamic_vector<T>& f, jacobian_matrix<T, layout::size>& j) {
    layout::into(x, b);
    const auto row_gradient = gradient(residual, typename layout::W{});
    for (std::size_t i = 0; i != samples.size; ++i) {
      load_sample(b, samples, i);
      const auto [value, row] = eval_with_value(row_gradient, b);
      const auto index = static_cast<Eigen::Index>(i);
      f[index] = value;
      for (int k = 0; k != layout::size; ++k) j(index, k) = row[static_cast<std::size_t>(k)];
    }
    return f.allFinite() && j.allFinite();
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

  bool residuals(const typename layout::vector& x, dynamic_vector<T>& f) {
    layout::into(x, b);
    std::apply(
        [&](const auto&... r) {
          Eigen::Index index = 0;
          ((f[index++] = eval(r, b)), ...);
        },
        list);
    return f.allFinite();
  }
  bool jacobian(const typename layout::vector& x, dynamic_vector<T>& f, jacobian_matrix<T, layout::size>& j) {
    layout::into(x, b);
    Eigen::Index index = 0;
    std::apply(
        [&](const auto&... r) {
          auto row = [&](const auto& residual) {
            const auto [value, partials] = eval_with_value(gradient(residual, typename layout::W{}), b);
            f[index] = value;
            for (int k = 0; k != layout::size; ++k) j(index, k) = partials[static_cast<std::size_t>(k)];
            ++index;
          };
          (row(r), ...);
        },
        list);
    return f.allFinite() && j.allFinite();
  }
};

}  // namespace detail

// The fitted parameters (result[b1], result.parameters[b1]) and their
// standard errors (result.standard_errors[b1]) beside the solver's record.
template <class ParameterBindings>
struct least_squares_result
    : least_squares_record<typename ParameterBindings::value_type, detail::parameter_vector<ParameterBindings>::size> {
  ParameterBindings parameters;
  ParameterBindings standard_errors;  // the square roots of the covariance's diagonal

  template <fixed_string Name>
  auto operator[](symbol<Name> s) const {
    return parameters[s];
  }
};

// Several residual expressions without data: residuals(10 * (b - a * a), 1 - a).
template <Expression... Residuals>
struct residual_list {
  std::tuple<Residuals...> expressions;
};

template <Expression... Residuals>
constexpr residual_list<Residuals...> residuals(const Residuals&... r) {
  static_assert(sizeof...(Residuals) > 0, "ctdiff: residuals(...) needs at least one expression");
  return {{r...}};
}

namespace detail {

template <class ParameterBindings, class Problem>
least_squares_result<ParameterBindings> solve_expression_problem(Problem& problem, const ParameterBindings& initial,
                                                                 const least_squares_options& o) {
  if constexpr (Problem::bound) {
    using layout = parameter_vector<ParameterBindings>;
    typename layout::vector x = layout::from(initial);
    least_squares_result<ParameterBindings> result{solve_least_squares(problem, x, o), initial, initial};
    layout::into(x, result.parameters);
    layout::into(result.covariance.diagonal().cwiseSqrt(), result.standard_errors);
    return result;
  } else {
    return least_squares_result<ParameterBindings>{{}, initial, initial};  // the problem reported its unbound symbols
  }
}

}  // namespace detail

// Minimizes ½Σᵢ rᵢ² where rᵢ is `residual` on sample i of the data, over
// the parameters. Every symbol of the residual must be a parameter or a
// data column.
template <Expression Residual, class ParameterBindings, class... Columns>
auto least_squares(const Residual& residual, const parameter_list<ParameterBindings>& parameters,
                   const dataset<Columns...>& samples, const least_squares_options& o = {}) {
  detail::sample_residuals<Residual, ParameterBindings, dataset<Columns...>> problem(residual, parameters.initial,
                                                                                     samples);
  return detail::solve_expression_problem(problem, parameters.initial, o);
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

// Nonlinear least squares on a flat parameter vector: Levenberg–Marquardt
// and Gauss–Newton, knowing nothing of expressions (fit/least_squares.hpp
// is the expression layer).
//
// Levenberg–Marquardt follows MINPACK's lmder and lmpar (Moré, "The
// Levenberg–Marquardt algorithm: implementation and theory", 1978): a trust
// region on the step scaled by the Jacobian's column norms, the Marquardt
// parameter found for that region by a safeguarded Newton iteration, and
// MINPACK's stopping rules. The Jacobian is factored by Eigen's
// column-pivoting Householder QR; the damped system [J; √λ·D] p ≅ [−r; 0] is
// then solved from R by Givens rotations, without forming JᵀJ. What it takes
// and returns is declared in least_squares_problem.hpp, without Eigen.
#pragma once

#include <Eigen/Core>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <ctdiff/optimize/least_squares_problem.hpp>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace ctdiff {

namespace detail {

template <class T>
using dynamic_vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <class T>
using dynamic_matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
using dynamic_permutation = Eigen::Matrix<int, Eigen::Dynamic, 1>;

// The solution of [R; D·Pᵀ·... ] in MINPACK's qrsolv: given the n×n upper
// triangle of r (J·P = Q·R), the permutation, a diagonal d and qtb = (Qᵀr)
// first n entries, finds x minimizing |J x − b|² + |D x|² by rotating D's
// rows into R. Leaves the rotated triangle S's diagonal in sdiag and its
// strict lower part transposed in r's lower triangle (lmpar needs it).
template <class T>
void solve_damped(dynamic_matrix<T>& r, const dynamic_permutation& permutation, const dynamic_vector<T>& d,
                  const dynamic_vector<T>& qtb, dynamic_vector<T>& x, dynamic_vector<T>& sdiag) {
  const int n = static_cast<int>(r.cols());
  dynamic_vector<T> rhs = qtb;
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
template <class T>
void marquardt_parameter(dynamic_matrix<T>& r, const dynamic_permutation& permutation, const dynamic_vector<T>& d,
                         const dynamic_vector<T>& qtb, T delta, T& par, dynamic_vector<T>& x,
                         dynamic_vector<T>& sdiag) {
  const int n = static_cast<int>(r.cols());
  const T dwarf = std::numeric_limits<T>::min();
  dynamic_vector<T> work1(n), work2(n);

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
template <class T>
struct factored_jacobian {
  Eigen::ColPivHouseholderQR<dynamic_matrix<T>> qr;
  dynamic_matrix<T> r;              // the n×n upper triangle R (lower part: workspace)
  dynamic_permutation permutation;  // column j of J·P is column permutation[j] of J
  dynamic_vector<T> qtf;            // the first n entries of Qᵀf
  dynamic_vector<T> column_norms;   // of J, in the parameters' order
  dynamic_vector<T> rotated;

  factored_jacobian(Eigen::Index m, Eigen::Index n)
      : qr(m, n), r(n, n), permutation(n), qtf(n), column_norms(n), rotated(m) {}

  void factor(const dynamic_matrix<T>& jacobian, const dynamic_vector<T>& f) {
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

template <class T>
bool residuals_at(const residual_problem<T>& problem, const dynamic_vector<T>& x, dynamic_vector<T>& f) {
  return problem.residuals({x.data(), static_cast<std::size_t>(x.size())},
                           {f.data(), static_cast<std::size_t>(f.size())});
}
template <class T>
bool jacobian_at(const residual_problem<T>& problem, const dynamic_vector<T>& x, dynamic_vector<T>& f,
                 dynamic_matrix<T>& j) {
  return problem.jacobian(
      {x.data(), static_cast<std::size_t>(x.size())}, {f.data(), static_cast<std::size_t>(f.size())},
      jacobian_view<T>{j.data(), static_cast<std::size_t>(j.rows()), static_cast<std::size_t>(j.cols())});
}

template <class T>
least_squares_record<T> solve_least_squares_from(const residual_problem<T>& problem, dynamic_vector<T>& x,
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
  least_squares_record<T> record;
  record.gradient_norm = std::numeric_limits<T>::quiet_NaN();
  record.covariance = square_matrix<T>(static_cast<std::size_t>(n), std::numeric_limits<T>::quiet_NaN());

  dynamic_vector<T> f(m), trial_f(m);
  dynamic_matrix<T> jacobian(m, n);
  factored_jacobian<T> factored(m, n);
  dynamic_vector<T> scale(n), step(n), trial(n), sdiag(n), predicted(n);

  if (!jacobian_at(problem, x, f, jacobian)) {
    record.stop = stop_reason::non_finite_loss;
    return record;
  }
  T fnorm = f.norm();
  record.loss_per_epoch.push_back(fnorm * fnorm / 2);
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
      record.stop = stop_reason::gradient_tolerance;
      break;
    }
    scale = scale.cwiseMax(factored.column_norms);

    if (newton) {
      if (factored.qr.rank() < n) {
        record.stop = stop_reason::singular_jacobian;
        break;
      }
      step = -factored.qr.solve(f);
      trial = x + step;
      ++record.epochs;
      if (!residuals_at(problem, trial, trial_f)) {
        record.stop = stop_reason::non_finite_loss;
        break;
      }
      const T trial_fnorm = trial_f.norm();
      const T reduction = std::abs(1 - (trial_fnorm / fnorm) * (trial_fnorm / fnorm));
      const T step_norm = scale.cwiseProduct(step).norm();
      x = trial;
      xnorm = scale.cwiseProduct(x).norm();
      fnorm = trial_fnorm;
      record.loss_per_epoch.push_back(fnorm * fnorm / 2);
      if (reduction <= ftol) {
        record.stop = stop_reason::function_tolerance;
        break;
      }
      if (step_norm <= xtol * xnorm) {
        record.stop = stop_reason::parameter_tolerance;
        break;
      }
      if (record.epochs >= o.max_iterations) {
        record.stop = stop_reason::max_epochs;
        break;
      }
      if (!jacobian_at(problem, x, f, jacobian)) {
        record.stop = stop_reason::non_finite_loss;
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
      ++record.epochs;
      // A non-finite trial is a failed step: the trust region shrinks.
      const T trial_fnorm = residuals_at(problem, trial, trial_f) ? trial_f.norm() : std::numeric_limits<T>::infinity();

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
      record.loss_per_epoch.push_back(fnorm * fnorm / 2);

      const bool cost_converged = std::abs(actual) <= ftol && predicted_reduction <= ftol && T(0.5) * ratio <= 1;
      if (cost_converged) {
        record.stop = stop_reason::function_tolerance;
        stopped = true;
      } else if (delta <= xtol * xnorm) {
        record.stop = stop_reason::parameter_tolerance;
        stopped = true;
      } else if (record.epochs >= o.max_iterations) {
        record.stop = stop_reason::max_epochs;
        stopped = true;
      } else if ((std::abs(actual) <= epsilon && predicted_reduction <= epsilon && T(0.5) * ratio <= 1) ||
                 delta <= epsilon * xnorm || gnorm <= epsilon) {
        record.stop = stop_reason::no_further_decrease;
        stopped = true;
      }
    }
    if (stopped) break;
    if (!jacobian_at(problem, x, f, jacobian)) {
      record.stop = stop_reason::non_finite_loss;
      break;
    }
  }
  // The statistics at the returned parameters (the Jacobian of the last
  // accepted point; a rejected trial does not move x).
  if (jacobian_at(problem, x, f, jacobian)) {
    record.gradient_norm = (jacobian.transpose() * f).norm();
    factored.factor(jacobian, f);
    record.jacobian_rank = static_cast<std::size_t>(factored.qr.rank());
    if (record.jacobian_rank == static_cast<std::size_t>(n) && m > n) {
      const T variance = f.squaredNorm() / static_cast<T>(m - n);
      dynamic_matrix<T> inverse_r =
          factored.qr.matrixR().topLeftCorner(n, n).template triangularView<Eigen::Upper>().solve(
              dynamic_matrix<T>::Identity(n, n));
      const dynamic_matrix<T> pivoted = inverse_r * inverse_r.transpose();
      for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < n; ++j) {
          record.covariance(static_cast<std::size_t>(factored.permutation[i]),
                            static_cast<std::size_t>(factored.permutation[j])) = variance * pivoted(i, j);
        }
      }
    }
  }
  return record;
}

template <class T>
struct least_squares_solver_defined<T, void> : std::true_type {};

template <class T>
least_squares_record<T> solve_least_squares(const residual_problem<T>& problem, std::span<T> x,
                                            const least_squares_options& o) {
  dynamic_vector<T> solution = Eigen::Map<const dynamic_vector<T>>(x.data(), static_cast<Eigen::Index>(x.size()));
  least_squares_record<T> record = solve_least_squares_from(problem, solution, o);
  std::copy(solution.begin(), solution.end(), x.begin());
  return record;
}

}  // namespace detail
}  // namespace ctdiff

// Newton's method made global by a trust region: what fit_newton's solver
// takes and returns, in standard types only (trust_region_solver.hpp holds
// the solver itself, on Eigen's eigendecomposition). A program that links the
// ctdiff::precompiled component sees this header and not the solver's, so it
// parses no Eigen at all.
#pragma once

#include <cstddef>
#include <ctdiff/optimize/detail/precompiled.hpp>
#include <memory>
#include <span>
#include <type_traits>

namespace ctdiff::detail {

// A non-owning callable returning T: lets the solver call back into a
// model-specific loss without being a template over it.
template <class T>
class loss_callback {
 public:
  template <class F>
  explicit loss_callback(F& f) : context_(&f), call_([](void* c) { return (*static_cast<F*>(c))(); }) {}
  T operator()() const { return call_(context_); }

 private:
  void* context_;
  T (*call_)(void*);
};

// Each step minimizes the quadratic model within a trust region, exactly,
// following negative curvature (trust_region_solver.hpp says how).
template <class T>
class trust_region_newton {
 public:
  // step_fraction scales every step (options.newton_step); 1 takes it whole.
  trust_region_newton(std::size_t size, T step_fraction);
  ~trust_region_newton();

  // The mean Hessian at the current parameters (row-major n×n), decomposed once per point.
  void set_hessian(std::span<const T> hessian);
  T smallest_eigenvalue() const;
  T largest_eigenvalue() const;
  // Positive semi-definite up to rounding relative to the largest curvature.
  bool positive_semidefinite() const;

  // One accepted step from `parameters`, where the mean loss is `loss` and
  // the mean gradient `gradient`; loss_at() evaluates the mean loss at the
  // parameters as they are set. Shrinks the region until a step lowers the
  // loss; false, with the parameters restored, once no step can (the region
  // has shrunk to rounding, or the model predicts no decrease).
  bool step(std::span<T> parameters, std::span<const T> gradient, T loss, loss_callback<T> loss_at);

 private:
  class solver;
  std::unique_ptr<solver> solver_;
};

// Whether the solver's definition for T is in this translation unit:
// trust_region_solver.hpp says so, for every T.
template <class T, class = void>
struct trust_region_defined : std::false_type {};

}  // namespace ctdiff::detail

// With the ctdiff::precompiled component (CTDIFF_PRECOMPILED), compiled once
// in that library for float and double; else compiled here.
#if defined(CTDIFF_PRECOMPILED)
namespace ctdiff::detail {
extern template class trust_region_newton<float>;
extern template class trust_region_newton<double>;
}  // namespace ctdiff::detail
#else
#include <ctdiff/optimize/detail/trust_region_solver.hpp>
#endif

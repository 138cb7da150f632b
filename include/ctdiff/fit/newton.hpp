// Newton's method with a trust region: minimize_newton on a flat parameter
// array with a Hessian callable, and fit_newton with the compile-time
// Hessian of a loss. Needs Eigen 3.4 (the eigendecomposition of the
// Hessian), so it is not part of <ctdiff/ctdiff.hpp>: link ctdiff::newton
// (and ctdiff::precompiled, where the solver comes compiled, without Eigen).
#pragma once

#include <cstddef>
#include <ctdiff/fit/fit.hpp>
#include <ctdiff/optimize/detail/parallel_sum.hpp>
#include <ctdiff/optimize/detail/trust_region.hpp>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctdiff {

namespace detail {

// hessian(samples, matrix) as a worker of sample_sum: each thread sums its
// chunks' Hessians with its own copy.
template <class T, class Hessian>
struct hessian_sum {
  Hessian hessian;
  T operator()(std::span<const std::size_t> samples, std::span<T> matrix) {
    hessian(samples, matrix);
    return T(0);
  }
};

// run()'s second-order part: the mean Hessian at the current parameters,
// summed over the samples as the gradient is, and the trust-region step.
template <class T, class Hessian>
class newton_method {
  static_assert(solver_available<T, trust_region_defined<T>>,
                "ctdiff: ctdiff::precompiled holds Newton's solver for float and double; for another number type, "
                "#include <ctdiff/optimize/detail/trust_region_solver.hpp> too (the solver is then compiled here)");

 public:
  newton_method(Hessian& hessian, std::size_t size, const options& o)
      : worker_{hessian},
        sum_(worker_, size * size, o.threads, o.split),
        matrix_(size * size),
        trust_region_(size, static_cast<T>(o.newton_step)) {}

  void set_hessian_at(std::span<const std::size_t> samples) {
    sum_(samples, std::span<T>(matrix_));
    scale(std::span<T>(matrix_), T(1) / static_cast<T>(samples.size()));
    trust_region_.set_hessian(matrix_);
  }

  T smallest_eigenvalue() const { return trust_region_.smallest_eigenvalue(); }
  T largest_eigenvalue() const { return trust_region_.largest_eigenvalue(); }
  bool positive_semidefinite() const { return trust_region_.positive_semidefinite(); }

  template <class LossAt>
  bool step(std::span<T> parameters, std::span<const T> gradient, T loss, LossAt& loss_at) {
    return trust_region_.step(parameters, gradient, loss, loss_callback<T>(loss_at));
  }

 private:
  hessian_sum<T, Hessian> worker_;
  sample_sum<T, hessian_sum<T, Hessian>> sum_;
  std::vector<T> matrix_;
  trust_region_newton<T> trust_region_;
};

}  // namespace detail

// Newton's method on a flat parameter array: hessian(samples, matrix) adds
// the summed n×n Hessian over the samples into matrix (row-major). Every
// step uses all samples and lowers the mean loss: a step is the minimizer of
// the quadratic model within a trust region, which follows negative
// curvature, so saddles and maxima repel it. result.smallest_hessian_eigenvalue
// tells whether the end point is a strict minimum.
template <class Objective, class Hessian, detail::parameter_storage Parameters>
auto minimize_newton(Objective&& objective, Hessian&& hessian, Parameters&& parameters, std::size_t sample_count,
                     const options& o = {}) {
  using T = std::ranges::range_value_t<Parameters>;
  detail::newton_method<T, std::remove_cvref_t<Hessian>> newton(hessian, std::ranges::size(parameters), o);
  return detail::run<T>(objective, std::span<T>(parameters), sample_count, o, newton);
}

namespace detail {

// fit_newton over an objective template: fit_problem, or packed_fit_problem
// (fit/packed_newton.hpp), which sums a pack of samples at a time.
template <template <class, class, class> class Problem, class Loss, class ParameterBindings, class Dataset>
auto fit_newton_with(const Loss& loss, const parameter_list<ParameterBindings>& parameters, const Dataset& samples,
                     const options& o) {
  return fit_with<Problem>(loss, parameters, samples, [&](auto& problem, auto& flat) {
    // Captured by value: each thread's copy of the Hessian has bindings of its own.
    auto hessian = [problem](std::span<const std::size_t> indices, auto matrix) mutable {
      problem.add_hessian(indices, matrix);
    };
    return minimize_newton(problem, hessian, flat, samples.size, o);
  });
}

}  // namespace detail

// Newton's method with the compile-time Hessian: n derivative trees for n
// parameters, so meant for models with few parameters.
template <Expression Loss, class ParameterBindings, class... Columns>
auto fit_newton(const Loss& loss, const parameter_list<ParameterBindings>& parameters,
                const dataset<Columns...>& samples, const options& o = {}) {
  return detail::fit_newton_with<detail::fit_problem>(loss, parameters, samples, o);
}

// Without data: f over the parameters alone, as fit's one sample that binds no column.
template <Expression F, class ParameterBindings>
auto fit_newton(const F& f, const parameter_list<ParameterBindings>& parameters, const options& o = {}) {
  return fit_newton(f, parameters, dataset<>{{}, 1}, o);
}

}  // namespace ctdiff

// least_squares with packs of samples: simd::least_squares evaluates the
// residuals and the Jacobian's rows a pack of consecutive samples at a time,
// each lane one sample, through the same forward pass and sweep as
// least_squares (fit/least_squares.hpp); the samples left over one at a time.
// Every row is the scalar path's to rounding, so the solver takes the same
// steps. Needs xsimd and Eigen: link ctdiff::simd and ctdiff::least_squares.
#pragma once

#include <array>
#include <cstddef>
#include <ctdiff/fit/least_squares.hpp>
#include <ctdiff/fit/packed.hpp>
#include <span>
#include <tuple>
#include <utility>

namespace ctdiff {

namespace detail {

// The lanes of values into first, first + Stride, ... (a residual's rows of
// consecutive samples, Stride residuals a sample).
template <std::size_t Stride, class Lanes, class T>
void store_rows(const Lanes& values, T* first) {
  if constexpr (Stride == 1) {
    values.store_unaligned(first);
  } else {
    alignas(Lanes::arch_type::alignment()) std::array<T, Lanes::size> lanes;
    values.store_aligned(lanes.data());
    for (std::size_t lane = 0; lane != Lanes::size; ++lane) first[lane * Stride] = lanes[lane];
  }
}

template <class ParameterBindings, class Dataset, class... Residuals>
struct packed_sample_residuals : sample_residuals<ParameterBindings, Dataset, Residuals...> {
  using scalar_problem = sample_residuals<ParameterBindings, Dataset, Residuals...>;
  using typename scalar_problem::layout;
  using typename scalar_problem::T;
  using lanes = pack<T>;
  static constexpr std::size_t width = lanes::size;
  static constexpr std::size_t per_sample = scalar_problem::per_sample;

  using scalar_problem::scalar_problem;

  bool residuals(std::span<const T> x, std::span<T> f) {
    layout::into(x, this->b);
    auto packed = packs_of<lanes>(this->b);
    for (std::size_t i = 0; i != packed_count(); i += width) {
      load_pack<lanes>(packed, this->samples, i);
      for_each_residual([&](const auto& residual, std::size_t r) {
        store_rows<per_sample>(eval(residual, packed), f.data() + i * per_sample + r);
      });
    }
    this->residuals_of(packed_count(), f);
    return all_finite<T>(f);
  }

  bool jacobian(std::span<const T> x, std::span<T> f, jacobian_view<T> j) {
    using W = typename layout::W;
    layout::into(x, this->b);
    auto packed = packs_of<lanes>(this->b);
    for (std::size_t i = 0; i != packed_count(); i += width) {
      load_pack<lanes>(packed, this->samples, i);
      for_each_residual([&](const auto& residual, std::size_t r) {
        const std::size_t row = i * per_sample + r;
        const auto [value, partials] = eval_with_value(gradient(residual, W{}), packed);
        store_rows<per_sample>(value, f.data() + row);
        for (std::size_t k = 0; k != W::size; ++k) {
          store_rows<per_sample>(partials[k], &j(row, k));
        }
      });
    }
    this->jacobian_of(packed_count(), f, j);
    return all_finite<T>(f) && all_finite<T>(j.all());
  }

  // The samples that go a pack at a time: the largest multiple of the width.
  std::size_t packed_count() const { return this->samples.size - this->samples.size % width; }

  // call(residual, r) for the residuals of the list in order.
  template <class Call>
  void for_each_residual(Call call) const {
    [&]<std::size_t... R>(std::index_sequence<R...>) { (call(std::get<R>(this->list), R), ...); }
    (std::index_sequence_for<Residuals...>{});
  }
};

}  // namespace detail

namespace simd {

// least_squares (fit/least_squares.hpp) with its residuals and Jacobian rows a pack of samples at a time.
template <class... Residuals, class ParameterBindings, class... Columns>
auto least_squares(const residual_list<Residuals...>& list, const parameter_list<ParameterBindings>& parameters,
                   const dataset<Columns...>& samples, const least_squares_options& o = {}) {
  return detail::least_squares_with<detail::packed_sample_residuals>(list, parameters, samples, o);
}
template <Expression Residual, class ParameterBindings, class... Columns>
auto least_squares(const Residual& residual, const parameter_list<ParameterBindings>& parameters,
                   const dataset<Columns...>& samples, const least_squares_options& o = {}) {
  return simd::least_squares(residuals(residual), parameters, samples, o);
}

}  // namespace simd

}  // namespace ctdiff

// fit and predict with packs of samples (simd/pack.hpp): simd::fit sums a
// batch in order a pack of consecutive samples at a time, each lane one
// sample, through the same forward pass and sweep as fit's; the samples left
// over, and a shuffled mini-batch, one at a time, as fit does. The lanes of a
// sum are added in a fixed order after the batch, so every thread count gives
// the same bits (the chunks do not depend on it), and the result equals
// fit's to rounding. Include <ctdiff/simd.hpp>; link ctdiff::simd.
#pragma once

#include <array>
#include <cstddef>
#include <ctdiff/fit/fit.hpp>
#include <ctdiff/simd/pack.hpp>
#include <span>
#include <vector>

namespace ctdiff {

namespace detail {

// Sample bindings with a pack in every slot: each value in every lane.
template <class Lanes, fixed_string... Names, class... Ts>
auto packs_of(const bindings<binding<Names, Ts>...>& one) {
  return at(binding<Names, Lanes>{Lanes(bound_value<Names>(one))}...);
}

// Every column's samples index ... index + Lanes::size - 1 into their symbols' packs.
template <class Lanes, class B, class Dataset>
void load_pack(B& packed, const Dataset& samples, std::size_t index) {
  boost::hana::for_each(samples.entries, [&]<class Entry>(const Entry& entry) {
    if constexpr (data_entry<Entry>::is_column) {
      bound_value<data_entry<Entry>::name>(packed) = Lanes::load_unaligned(entry.values.data() + index);
    }
  });
}

template <class Loss, class ParameterBindings, class Dataset>
struct packed_fit_problem : fit_problem<Loss, ParameterBindings, Dataset> {
  using scalar_problem = fit_problem<Loss, ParameterBindings, Dataset>;
  using typename scalar_problem::T;
  using typename scalar_problem::W;
  using lanes = pack<T>;
  static constexpr std::size_t width = lanes::size;

  using scalar_problem::scalar_problem;

  T operator()(std::span<const std::size_t> indices, std::span<T> gradient) {
    if constexpr (scalar_problem::loss_bound) {
      const std::size_t in_packs = packed_count(indices);
      if (gradient.empty() || in_packs == 0) return scalar_problem::sum_over(indices, gradient);
      return sum_in_packs(indices.front(), in_packs, gradient) +
             scalar_problem::sum_over(indices.subspan(in_packs), gradient);
    }
    return T(0);
  }

  // fit_newton's Hessian sum (fit/packed_newton.hpp), the same way.
  void add_hessian(std::span<const std::size_t> indices, std::span<T> matrix) {
    if constexpr (scalar_problem::loss_bound) {
      const std::size_t in_packs = packed_count(indices);
      if (in_packs != 0) add_hessian_in_packs(indices.front(), in_packs, matrix);
      scalar_problem::add_hessian_over(indices.subspan(in_packs), matrix);
    }
  }

  // How many of a batch's samples go a pack at a time: the largest multiple
  // of the width, if the batch is consecutive samples; else none.
  std::size_t packed_count(std::span<const std::size_t> indices) const {
    return this->consecutive(indices) ? indices.size() - indices.size() % width : 0;
  }

  // The bindings with every value in every lane, the parameters current.
  auto packed_bindings() const {
    auto packed = packs_of<lanes>(this->b);
    parameter_symbols<ParameterBindings>::from_flat(this->flat, packed);
    return packed;
  }

  // The samples first ... first + count - 1 (count a multiple of the width),
  // a pack at a time; the lanes of each sum added in order at the end.
  T sum_in_packs(std::size_t first, std::size_t count, std::span<T> gradient) {
    auto packed = packed_bindings();
    const auto loss_gradient = ctdiff::gradient(this->loss, W{});
    lanes sum(T(0));
    std::array<lanes, W::size> sums;
    sums.fill(lanes(T(0)));
    for (std::size_t index = first, end = first + count; index != end; index += width) {
      load_pack<lanes>(packed, this->samples, index);
      const auto [value, partials] = eval_with_value(loss_gradient, packed);
      sum += value;
      for (std::size_t i = 0; i != W::size; ++i) sums[i] += partials[i];
    }
    for (std::size_t i = 0; i != W::size; ++i) gradient[i] += in_lane_order(sums[i]);
    return in_lane_order(sum);
  }

  void add_hessian_in_packs(std::size_t first, std::size_t count, std::span<T> matrix) {
    auto packed = packed_bindings();
    const auto loss_hessian = ctdiff::hessian(this->loss, W{});
    std::array<std::array<lanes, W::size>, W::size> sums;
    for (auto& row : sums) row.fill(lanes(T(0)));
    for (std::size_t index = first, end = first + count; index != end; index += width) {
      load_pack<lanes>(packed, this->samples, index);
      const auto rows = eval(loss_hessian, packed);
      for (std::size_t i = 0; i != W::size; ++i) {
        for (std::size_t j = 0; j != W::size; ++j) sums[i][j] += rows[i][j];
      }
    }
    for (std::size_t i = 0; i != W::size; ++i) {
      for (std::size_t j = 0; j != W::size; ++j) matrix[i * W::size + j] += in_lane_order(sums[i][j]);
    }
  }

  static T in_lane_order(const lanes& p) {
    alignas(lanes::arch_type::alignment()) std::array<T, width> values;
    p.store_aligned(values.data());
    T total = T(0);
    for (T value : values) total += value;
    return total;
  }
};

}  // namespace detail

namespace simd {

// fit (fit/fit.hpp) with its batches summed a pack of samples at a time.
template <Expression Loss, class ParameterBindings, class... Columns>
auto fit(const Loss& loss, const parameter_list<ParameterBindings>& parameters, const dataset<Columns...>& samples,
         const options& o = {}) {
  return detail::fit_with<detail::packed_fit_problem>(
      loss, parameters, samples, [&](auto& problem, auto& flat) { return minimize(problem, flat, samples.size, o); });
}

// predict (fit/fit.hpp) a pack of consecutive samples at a time, the samples left over one at a time.
template <Expression Model, class ParameterBindings, class... Entries>
auto predict(const Model& model, const ParameterBindings& parameters, const dataset<Entries...>& samples) {
  using T = typename ParameterBindings::value_type;
  using lanes = pack<T>;
  auto b = detail::sample_bindings<T>(parameters, samples);
  std::vector<T> values(samples.size);
  if constexpr (all_bound_v<Model, decltype(b)>) {
    auto packed = detail::packs_of<lanes>(b);
    const std::size_t in_packs = samples.size - samples.size % lanes::size;
    for (std::size_t i = 0; i != in_packs; i += lanes::size) {
      detail::load_pack<lanes>(packed, samples, i);
      eval(model, packed).store_unaligned(values.data() + i);
    }
    for (std::size_t i = in_packs; i != samples.size; ++i) {
      detail::load_sample(b, samples, i);
      values[i] = eval(model, b);
    }
  } else {
    detail::report_unbound_symbols<detail::bound_in_parameters_or_data, decltype(b)>(detail::symbols_t<Model>{});
  }
  return values;
}

}  // namespace simd

}  // namespace ctdiff

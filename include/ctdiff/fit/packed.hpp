// fit and predict with packs of samples (simd/pack.hpp): simd::fit sums a
// batch a pack of samples at a time, each lane one sample, through the same
// forward pass and sweep as fit's: consecutive samples loaded as they lie,
// a shuffled mini-batch's gathered lane by lane; the samples left over one
// at a time, as fit does. The lanes of a sum are added in a fixed order after
// the batch, so every thread count gives the same bits (the chunks do not
// depend on it), and the result equals fit's to rounding. Include
// <ctdiff/simd.hpp>; link ctdiff::simd.
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

// Every column's samples indices[0] ... indices[Lanes::size - 1], gathered
// lane by lane, into their symbols' packs (faster than AVX2's gather
// instruction where measured: bench/results/fit_loop.md).
template <class Lanes, class B, class Dataset>
void gather_pack(B& packed, const Dataset& samples, const std::size_t* indices) {
  using T = typename Lanes::value_type;
  boost::hana::for_each(samples.entries, [&]<class Entry>(const Entry& entry) {
    if constexpr (data_entry<Entry>::is_column) {
      alignas(Lanes::arch_type::alignment()) std::array<T, Lanes::size> lanes;
      for (std::size_t lane = 0; lane != Lanes::size; ++lane) lanes[lane] = entry.values[indices[lane]];
      bound_value<data_entry<Entry>::name>(packed) = Lanes::load_aligned(lanes.data());
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
      if (in_packs == 0) return scalar_problem::sum_over(indices, gradient);
      const T packed_sum = this->consecutive(indices) ? sum_in_packs<true>(indices.first(in_packs), gradient)
                                                      : sum_in_packs<false>(indices.first(in_packs), gradient);
      return packed_sum + scalar_problem::sum_over(indices.subspan(in_packs), gradient);
    }
    return T(0);
  }

  // fit_newton's Hessian sum (fit/packed_newton.hpp), the same way.
  void add_hessian(std::span<const std::size_t> indices, std::span<T> matrix) {
    if constexpr (scalar_problem::loss_bound) {
      const std::size_t in_packs = packed_count(indices);
      if (in_packs != 0) {
        if (this->consecutive(indices)) {
          add_hessian_in_packs<true>(indices.first(in_packs), matrix);
        } else {
          add_hessian_in_packs<false>(indices.first(in_packs), matrix);
        }
      }
      scalar_problem::add_hessian_over(indices.subspan(in_packs), matrix);
    }
  }

  // How many of a batch's samples go a pack at a time: the largest multiple of the width.
  static std::size_t packed_count(std::span<const std::size_t> indices) {
    return indices.size() - indices.size() % width;
  }

  // The samples indices[i] ... indices[i + width - 1] into packed: as they
  // lie in the columns where the batch is consecutive samples (the index list
  // not read), else gathered.
  template <bool Consecutive, class B>
  void load(B& packed, std::span<const std::size_t> indices, std::size_t i) const {
    if constexpr (Consecutive) {
      load_pack<lanes>(packed, this->samples, indices.front() + i);
    } else {
      gather_pack<lanes>(packed, this->samples, indices.data() + i);
    }
  }

  // The bindings with every value in every lane, the parameters current.
  auto packed_bindings() const {
    auto packed = packs_of<lanes>(this->b);
    parameter_symbols<ParameterBindings>::from_flat(this->flat, packed);
    return packed;
  }

  // The samples of indices (a multiple of the width), a pack at a time: the
  // loss, and its gradient into gradient unless that is empty; the lanes of
  // each sum added in order at the end.
  template <bool Consecutive>
  T sum_in_packs(std::span<const std::size_t> indices, std::span<T> gradient) {
    auto packed = packed_bindings();
    if (gradient.empty()) {  // the loss alone
      lanes sum(T(0));
      for (std::size_t i = 0; i != indices.size(); i += width) {
        load<Consecutive>(packed, indices, i);
        sum += eval(this->summand(), packed);
      }
      return this->factor() * in_lane_order(sum);
    }
    const auto loss_gradient = ctdiff::gradient(this->summand(), W{});
    lanes sum(T(0));
    std::array<lanes, W::size> sums;
    for_each_unrolled<W::size>([&](std::size_t k) { sums[k] = lanes(T(0)); });
    for (std::size_t i = 0; i != indices.size(); i += width) {
      load<Consecutive>(packed, indices, i);
      const auto evaluated = eval_with_value(loss_gradient, packed);
      sum += evaluated.value;
      for_each_unrolled<W::size>([&](std::size_t k) { sums[k] += evaluated.gradient[k]; });
    }
    const T scale = this->factor();
    for_each_unrolled<W::size>([&](std::size_t k) { gradient[k] += scale * in_lane_order(sums[k]); });
    return scale * in_lane_order(sum);
  }

  template <bool Consecutive>
  void add_hessian_in_packs(std::span<const std::size_t> indices, std::span<T> matrix) {
    auto packed = packed_bindings();
    const auto loss_hessian = ctdiff::hessian(this->loss, W{});
    std::array<std::array<lanes, W::size>, W::size> sums;
    for (auto& row : sums) row.fill(lanes(T(0)));
    for (std::size_t i = 0; i != indices.size(); i += width) {
      load<Consecutive>(packed, indices, i);
      const auto rows = eval(loss_hessian, packed);
      for (std::size_t r = 0; r != W::size; ++r) {
        for (std::size_t k = 0; k != W::size; ++k) sums[r][k] += rows[r][k];
      }
    }
    for (std::size_t r = 0; r != W::size; ++r) {
      for (std::size_t k = 0; k != W::size; ++k) matrix[r * W::size + k] += in_lane_order(sums[r][k]);
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

// What every benchmark model uses: indexed symbols, sums of gradients over
// samples, and uniformly drawn data.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <ctdiff/ctdiff.hpp>
#ifdef CTDIFF_BENCH_SIMD
#include <ctdiff/simd.hpp>
#endif
#include <memory>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace bench {

// θ3, p12: member Index of the family Prefix, so a model's parameters can be
// generated from an index sequence.
template <ctdiff::fixed_string Prefix, std::size_t Index>
inline constexpr auto indexed_symbol = ctdiff::vars<Prefix, Index + 1>[std::integral_constant<std::size_t, Index>{}];

template <std::size_t N>
void add_to(std::array<double, N>& total, const std::array<double, N>& term) {
  for (std::size_t i = 0; i != N; ++i) total[i] += term[i];
}

// Read from the sum and written into the result: the sum taken by value was
// copied in and out, twice the parameters per gradient (the digits network's
// 2410), which the rows then timed beside the gradient.
template <std::size_t N>
std::array<double, N> mean(const std::array<double, N>& total, std::size_t count) {
  std::array<double, N> result;
  for (std::size_t i = 0; i != N; ++i) result[i] = total[i] / static_cast<double>(count);
  return result;
}

#ifdef CTDIFF_BENCH_SIMD
// The per-sample ctdiff gradient on packs of consecutive samples, one sample
// a lane: every data symbol (one the gradient is not taken with respect to)
// gets its lanes from the model's own bind_sample, called once a lane; the
// parameters stand in every lane; the samples left over go one at a time.
template <class E, class W, ctdiff::fixed_string... Names, class Samples, class BindSample>
auto ctdiff_pack_mean_gradient(const ctdiff::gradient_expression<E, W>& gradient,
                               const ctdiff::bindings<ctdiff::binding<Names, double>...>& parameters,
                               const Samples& samples, BindSample bind_sample) {
  // Taken by reference and copied here: built by value on the caller's stack,
  // the bindings were stored in pieces and read back whole, a wait the
  // intrinsics rows do not have.
  auto scalar = parameters;
  using lanes = ctdiff::pack<double>;
  constexpr std::size_t width = lanes::size;
  auto packed = ctdiff::at(ctdiff::binding<Names, lanes>{lanes(scalar[ctdiff::symbol<Names>{}])}...);
  // Made from zeros, not filled: the fill was a store to memory before the loop.
  std::array<lanes, W::size> sums = [&]<std::size_t... J>(std::index_sequence<J...>) {
    return std::array<lanes, W::size>{(static_cast<void>(J), lanes(0.0))...};
  }
  (std::make_index_sequence<W::size>{});
  const std::size_t in_packs = samples.size() - samples.size() % width;
  for (std::size_t i = 0; i != in_packs; i += width) {
    std::array<std::array<double, width>, sizeof...(Names)> lane_values{};
    for (std::size_t k = 0; k != width; ++k) {
      bind_sample(scalar, samples[i + k]);
      std::size_t n = 0;
      ((lane_values[n++][k] = scalar[ctdiff::symbol<Names>{}]), ...);
    }
    std::size_t n = 0;
    // Made from the values in registers, not loaded from the array just
    // written (a wide load of narrow stores waits for them to reach memory);
    // lane j holds sample (j mod 2)·width/2 + j/2, the order in which
    // unpacking the two registers of consecutive pairs leaves them, as the
    // intrinsics rows load them. In sample order every pack would also need a
    // permutation across the register's halves; the sum does not depend on it.
    auto set = [&]<ctdiff::fixed_string Name>(const std::array<double, width>& values) {
      if constexpr (W::template index_of<ctdiff::symbol<Name>> == W::size) {
        packed[ctdiff::symbol<Name>{}] = [&]<std::size_t... Lane>(std::index_sequence<Lane...>) {
          return lanes{values[Lane % 2 * (width / 2) + Lane / 2]...};
        }
        (std::make_index_sequence<width>{});
      }
    };
    (set.template operator()<Names>(lane_values[n++]), ...);
    const auto partials = ctdiff::eval(gradient, packed);
    for (std::size_t j = 0; j != W::size; ++j) sums[j] += partials[j];
  }
  std::array<double, W::size> total{};
  for (std::size_t j = 0; j != W::size; ++j) total[j] = xsimd::hadd(sums[j]);
  for (std::size_t i = in_packs; i != samples.size(); ++i) {
    bind_sample(scalar, samples[i]);
    add_to(total, ctdiff::eval(gradient, scalar));
  }
  return mean(total, samples.size());
}
#endif

// The per-sample ctdiff gradient summed over the samples, then divided by
// their number: the data values are overwritten in place in one set of
// bindings, as a training loop does. With Packs, a pack of samples at a time.
template <bool Packs = false, class Gradient, class Bindings, class Samples, class BindSample>
auto ctdiff_mean_gradient(const Gradient& gradient, const Bindings& parameters, const Samples& samples,
                          BindSample bind_sample) {
#ifdef CTDIFF_BENCH_SIMD
  if constexpr (Packs) return ctdiff_pack_mean_gradient(gradient, parameters, samples, bind_sample);
#endif
  auto bindings = parameters;
  decltype(ctdiff::eval(gradient, bindings)) total{};
  for (const auto& sample : samples) {
    bind_sample(bindings, sample);
    add_to(total, ctdiff::eval(gradient, bindings));
  }
  return mean(total, samples.size());
}

inline std::vector<double> uniform_values(std::mt19937_64& generator, std::size_t count, double low, double high) {
  std::uniform_real_distribution<double> distribution(low, high);
  std::vector<double> values(count);
  for (double& value : values) value = distribution(generator);
  return values;
}

// T given explicitly: the argument may be another library's expression template.
template <class T>
T sigmoid(const T& z) {
  using std::exp;
  return 1.0 / (1.0 + exp(-z));
}

}  // namespace bench

// Reproducible random numbers: the same values from a seed with every
// standard library. std::mt19937_64's output is fixed by the standard, but
// the distributions over it (std::uniform_int_distribution,
// std::uniform_real_distribution, std::shuffle) are each library's own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <utility>

namespace ctdiff {

// Uniform in [0, bound), by rejection.
inline std::uint64_t uniform_below(std::mt19937_64& generator, std::uint64_t bound) {
  // Values below 2^64 mod bound would make the low residues more likely.
  const std::uint64_t rejected_below = (std::uint64_t(0) - bound) % bound;
  for (;;) {
    const std::uint64_t value = generator();
    if (value >= rejected_below) return value % bound;
  }
}

// Uniform in [low, high]: the top 53 bits of one draw as a multiple of
// 2^-53 in [0, 1), scaled (high itself only by the last rounding).
inline double uniform_between(std::mt19937_64& generator, double low, double high) {
  const double unit = static_cast<double>(generator() >> 11) * 0x1p-53;
  return low + (high - low) * unit;
}

// Fisher–Yates: every permutation equally likely.
inline void fisher_yates_shuffle(std::span<std::size_t> items, std::mt19937_64& generator) {
  for (std::size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[uniform_below(generator, i)]);
  }
}

}  // namespace ctdiff

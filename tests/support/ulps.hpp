// The distance between two numbers in units in the last place: how many
// representable numbers lie between them (0 for two NaNs).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>

namespace ctdiff_test {

template <class T>
std::int64_t ulps_apart(T p, T q) {
  if (p == q || (std::isnan(p) && std::isnan(q))) return 0;
  if (std::isnan(p) || std::isnan(q)) return std::numeric_limits<std::int64_t>::max();
  using bits = std::conditional_t<sizeof(T) == 8, std::int64_t, std::int32_t>;
  bits i, j;
  std::memcpy(&i, &p, sizeof p);
  std::memcpy(&j, &q, sizeof q);
  // Negative numbers in sign-magnitude order, as the integers below zero.
  if (i < 0) i = std::numeric_limits<bits>::min() - i;
  if (j < 0) j = std::numeric_limits<bits>::min() - j;
  return std::abs(static_cast<std::int64_t>(i) - static_cast<std::int64_t>(j));
}

}  // namespace ctdiff_test

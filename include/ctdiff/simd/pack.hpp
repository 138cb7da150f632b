// Packs of samples: xsimd's batches as numbers of ctdiff. A model evaluated
// with a pack bound to its symbols computes one sample per lane, in the same
// straight-line code as a double: eval(e, at(x = pack<double>(...))) and
// eval(gradient(...), ...) return packs. The functions are xsimd's
// (exp, log, sin, ...), found by argument-dependent lookup; conditions blend
// lanes. Needs xsimd 8 (Debian's libxsimd-dev): link ctdiff::simd.
#pragma once

#include <cstddef>
#include <ctdiff/core/numbers.hpp>
#include <xsimd/xsimd.hpp>

namespace ctdiff {

// The widest pack of T the compiler targets: 4 doubles with AVX2, 2 with SSE2.
template <class T, class Arch = xsimd::default_arch>
using pack = xsimd::batch<T, Arch>;

template <class T, class Arch>
inline constexpr bool is_pack_v<xsimd::batch<T, Arch>> = true;

namespace detail {
template <class T, class Arch>
struct condition_traits<xsimd::batch_bool<T, Arch>> {
  template <class A, class B>
  static auto choose(const xsimd::batch_bool<T, Arch>& c, const A& a, const B& b) {
    using lanes = xsimd::batch<T, Arch>;
    return xsimd::select(c, lanes(a), lanes(b));
  }
  template <class V>
  static V as_value(const xsimd::batch_bool<T, Arch>& c) {
    return xsimd::select(c, V(1), V(0));
  }
};
template <class T, class Arch>
struct lanes<xsimd::batch<T, Arch>> {
  using lanes_type = xsimd::batch<T, Arch>;
  template <class F>
  static lanes_type map(F f, const lanes_type& x) {
    alignas(lanes_type::arch_type::alignment()) T values[lanes_type::size];
    x.store_aligned(values);
    for (T& value : values) value = f(value);
    return lanes_type::load_aligned(values);
  }
  template <class F, class U>
  static lanes_type map(F f, const lanes_type& x, const U& y) {
    const lanes_type other(y);
    alignas(lanes_type::arch_type::alignment()) T values[lanes_type::size], others[lanes_type::size];
    x.store_aligned(values);
    other.store_aligned(others);
    for (std::size_t i = 0; i != lanes_type::size; ++i) values[i] = f(values[i], others[i]);
    return lanes_type::load_aligned(values);
  }
};
}  // namespace detail

}  // namespace ctdiff

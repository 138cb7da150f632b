// Packs of samples: xsimd's batches as numbers of ctdiff. A model evaluated
// with a pack bound to its symbols computes one sample per lane, in the same
// straight-line code as a double: eval(e, at(x = pack<double>(...))) and
// eval(gradient(...), ...) return packs. The functions are xsimd's
// (sin, tanh, ...), found by argument-dependent lookup, but for those a pack
// chooses in its lanes below: exp, log, log1p and sigmoid of doubles ctdiff's own, erf
// and pow SLEEF's; conditions blend lanes. Needs xsimd 8 and SLEEF 3 (Debian's
// libxsimd-dev and libsleef-dev): link ctdiff::simd.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <ctdiff/core/detail/unrolled.hpp>
#include <ctdiff/core/numbers.hpp>
#include <ctdiff/simd/detail/sleef.hpp>
#include <limits>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

namespace ctdiff {

// The widest pack of T the compiler targets: 4 doubles with AVX2, 2 with SSE2.
template <class T, class Arch = xsimd::default_arch>
using pack = xsimd::batch<T, Arch>;

template <class T, class Arch>
inline constexpr bool is_pack_v<xsimd::batch<T, Arch>> = true;

namespace detail {
// Whether xsimd's fma is one instruction on Arch (else a multiplication and an addition).
template <class Arch>
inline constexpr bool fused_multiply_add_v =
    std::is_base_of_v<xsimd::fma3<xsimd::sse4_2>, Arch> || std::is_base_of_v<xsimd::fma3<xsimd::avx>, Arch> ||
    std::is_base_of_v<xsimd::fma3<xsimd::avx2>, Arch> || std::is_base_of_v<xsimd::fma4, Arch> ||
    std::is_base_of_v<xsimd::avx512f, Arch> || std::is_base_of_v<xsimd::neon64, Arch>;

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

  // ln 2 in two parts (Cephes'), the first short enough for k times it to be
  // exact for every exponent k of a double.
  static constexpr double ln2_high = 6.93145751953125e-1, ln2_low = 1.42860682030941723212e-6;

  // x = k·ln 2 + r with |r| <= ln 2 / 2, and k's half ⌊k/2⌋, by which 2^k is
  // split in two factors that stay normal numbers where 2^k would not. k and
  // ⌊k/2⌋ are right in their low 12 bits only, the bits that reach a double's
  // exponent (power_of_two).
  using exponents_type = xsimd::batch<std::int64_t, Arch>;
  struct reduced {
    lanes_type r;
    exponents_type k, half;
  };
  // xsimd 8.1's exp of doubles converts the exponent to 64-bit integers,
  // which AVX2 and SSE2 do one lane at a time through memory; here 2^k is
  // built in the integer lanes instead. Without a branch and a call for the
  // lanes beyond the normal range: a call in a loop over samples takes every
  // vector register from the loop around it (all are the caller's to save).
  static reduced reduce(const lanes_type& x) {
    // e^±746 is already ∞ or 0; ±∞ become ±746. x second: the x86 and ARM
    // minimum and maximum return a NaN there, so a NaN stays.
    const lanes_type clamped = xsimd::max(lanes_type(-746.0), xsimd::min(lanes_type(746.0), x));
    // Adding 1.5·2^52 rounds to an integer, left in the low mantissa bits.
    const lanes_type to_integer(6755399441055744.0);
    const lanes_type shifted = xsimd::fma(clamped, lanes_type(1.4426950408889634), to_integer);
    const lanes_type k = shifted - to_integer;
    const lanes_type r = xsimd::fma(k, lanes_type(-ln2_low), xsimd::fma(k, lanes_type(-ln2_high), clamped));
    // k is in the low bits of 1.5·2^52 + k, whose low 32-bit word is k itself
    // (1.5·2^52's low bits are 0): ⌊k/2⌋ by an arithmetic shift of 32-bit
    // words, one instruction where 64-bit lanes have none.
    using words_type = xsimd::batch<std::int32_t, Arch>;
    const auto shifted_bits = xsimd::bitwise_cast<exponents_type>(shifted);
    return {r, shifted_bits, xsimd::bitwise_cast<exponents_type>(xsimd::bitwise_cast<words_type>(shifted_bits) >> 1)};
  }
  // 2^n for a normal exponent n, from n's low 12 bits.
  static lanes_type power_of_two(const exponents_type& n) {
    return xsimd::bitwise_cast<lanes_type>((n + exponents_type(1023)) << 52);
  }

  // Where a multiply-add is one instruction, e^r by the Taylor polynomial to
  // r^13 (the next term is below 1e-17 relative) in Estrin's form: pairs of
  // terms, then pairs of pairs, so that the additions do not wait on each
  // other in a chain of 13. Without one (SSE2), where each term costs a
  // multiplication and an addition, by Cephes' Padé form (below) as
  // 1 + 2p/(q − p), its 1 folded into the scaling. The products by 2^⌊k/2⌋ and
  // 2^(k − ⌊k/2⌋) overflow to ∞ and underflow through the subnormals to 0 as
  // e^x does.
  static lanes_type exp(const lanes_type& x) { return exp(std::array{x})[0]; }
  // Several independent exponentials (placed side by side by the forward
  // pass), the reduction for all before the rest.
  template <std::size_t N>
  static std::array<lanes_type, N> exp(const std::array<lanes_type, N>& x) {
    std::array<lanes_type, N> result;
    if constexpr (std::is_same_v<T, double>) {
      std::array<reduced, N> parts;
      for_each_unrolled<N>([&](std::size_t i) { parts[i] = reduce(x[i]); });
      for_each_unrolled<N>([&](std::size_t i) { result[i] = exp_of(parts[i]); });
    } else {
      for_each_unrolled<N>([&](std::size_t i) { result[i] = xsimd::exp(x[i]); });
    }
    return result;
  }
  // e^x from x's reduction.
  static lanes_type exp_of(const reduced& parts) {
    const lanes_type first = power_of_two(parts.half), second = power_of_two(parts.k - parts.half);
    if constexpr (fused_multiply_add_v<Arch>) {
      constexpr auto c = [] {
        std::array<double, 14> inverse_factorials{1.0};
        for (std::size_t n = 1; n != inverse_factorials.size(); ++n) {
          inverse_factorials[n] = inverse_factorials[n - 1] / static_cast<double>(n);
        }
        return inverse_factorials;
      }();
      const lanes_type r = parts.r, r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
      const auto pair = [&](std::size_t n) { return xsimd::fma(lanes_type(c[n + 1]), r, lanes_type(c[n])); };
      const lanes_type low = xsimd::fma(xsimd::fma(pair(6), r2, pair(4)), r4, xsimd::fma(pair(2), r2, pair(0)));
      const lanes_type high = xsimd::fma(pair(12), r4, xsimd::fma(pair(10), r2, pair(8)));
      return xsimd::fma(high, r8, low) * first * second;
    } else {
      const auto [p, q] = pade_terms(parts.r);
      return (p * (first + first) / (q - p) + first) * second;
    }
  }

  // 1/(1 + e^−x) = e^x/(e^x + 1). Without a multiply-add e^x is the quotient
  // 2^k·(q + p)/(q − p), so the two divisions become one,
  // 2^k·(q + p)/(2^k·(q + p) + (q − p)), where a 2→4→1 network's sigmoids wait
  // on the divider: 2^⌊k/2⌋ on the first term and 2^(⌊k/2⌋ − k) on the second,
  // so that both stay normal (the division alone rounds) and neither
  // multiplication waits on the other.
  static lanes_type sigmoid(const lanes_type& x) { return sigmoid(std::array{x})[0]; }
  // Several independent sigmoids (a layer's, placed side by side by the
  // forward pass), each step for all before the next: one after another,
  // each a chain of dependent instructions ending in a division, they
  // waited on each other's. With a multiply-add, and for floats, 1/(1 + e^−x)
  // on exp's own steps.
  template <std::size_t N>
  static std::array<lanes_type, N> sigmoid(const std::array<lanes_type, N>& x) {
    std::array<lanes_type, N> result;
    if constexpr (!std::is_same_v<T, double> || fused_multiply_add_v<Arch>) {
      std::array<lanes_type, N> negated;
      for_each_unrolled<N>([&](std::size_t i) { negated[i] = -x[i]; });
      const std::array<lanes_type, N> e = exp(negated);
      for_each_unrolled<N>([&](std::size_t i) { result[i] = lanes_type(1) / (lanes_type(1) + e[i]); });
    } else {
      std::array<reduced, N> parts;
      for_each_unrolled<N>([&](std::size_t i) { parts[i] = reduce(x[i]); });
      for_each_unrolled<N>([&](std::size_t i) {
        const auto [p, q] = pade_terms(parts[i].r);
        const lanes_type above = (q + p) * power_of_two(parts[i].half);
        result[i] = above / (above + (q - p) * power_of_two(parts[i].half - parts[i].k));
      });
    }
    return result;
  }

  // Cephes' Padé form of e^r = 1 + 2p/(q − p) = (q + p)/(q − p), p = r·P(r²)
  // and q = Q(r²): seven terms, P and Q each in two independent halves.
  static std::array<lanes_type, 2> pade_terms(const lanes_type& r) {
    const lanes_type r2 = r * r, r4 = r2 * r2;
    const lanes_type p =
        (lanes_type(1.26177193074810590878e-4) * r2 + lanes_type(3.02994407707441961300e-2)) * (r * r2) +
        r * lanes_type(9.99999999999999999910e-1);
    const lanes_type q = (lanes_type(3.00198505138664455042e-6) * r2 + lanes_type(2.52448340349684104192e-3)) * r4 +
                         (lanes_type(2.27265548208155028766e-1) * r2 + lanes_type(2.00000000000000000009e0));
    return {p, q};
  }

  // log x and log(1 + x). xsimd 8.1's of doubles shift 64-bit integers
  // arithmetically and convert the exponent to a double, which SSE2 and AVX2
  // do one lane at a time: with SSE2 they are about as slow as the standard
  // library's on the two lanes. Subnormal lanes are scaled into the normal
  // range, and zero, negative, infinite and NaN lanes are blended in after,
  // with no branch and no call (as for exp).
  static lanes_type log(const lanes_type& x) {
    if constexpr (std::is_same_v<T, double>) {
      const auto subnormal = x < lanes_type(std::numeric_limits<T>::min());
      const lanes_type scaled = xsimd::select(subnormal, x * lanes_type(0x1p54), x);
      return log_of_any(x, log_of_normal(scaled, xsimd::select(subnormal, lanes_type(54.0), lanes_type(0.0))));
    } else {
      return xsimd::log(x);
    }
  }
  // u = 1 + x rounds away x − (u − 1) (exactly representable), which adds
  // (x − (u − 1))/u to log u to first order: log1p of a tiny x is x. u is
  // never subnormal.
  static lanes_type log1p(const lanes_type& x) {
    if constexpr (std::is_same_v<T, double>) {
      const lanes_type u = x + lanes_type(1.0);
      return log_of_any(u, log_of_normal(u, lanes_type(0.0)) + (x - (u - lanes_type(1.0))) / u);
    } else {
      return xsimd::log1p(x);
    }
  }
  // log u for any u, given log_u where u is a positive finite number: −∞ at
  // ±0, NaN below 0, ∞ at ∞, NaN at NaN.
  static lanes_type log_of_any(const lanes_type& u, const lanes_type& log_u) {
    const lanes_type infinity(std::numeric_limits<T>::infinity());
    const lanes_type at_the_ends =
        xsimd::select(u == lanes_type(0.0), -infinity,
                      xsimd::select(u < lanes_type(0.0), lanes_type(std::numeric_limits<T>::quiet_NaN()), u));
    return xsimd::select(u > lanes_type(0.0) && u < infinity, log_u, at_the_ends);
  }
  // log x for positive, finite, normal doubles: in the integer lanes, x = 2^k·m
  // with m in [√½, √2) and k made a double exactly; then with f = m − 1 and
  // s = f/(2 + f),
  //   log m = 2·atanh(s) = f − f²/2 + s·(f²/2 + R),  R = 2·Σ_{j>=1} s^2j/(2j + 1),
  // the series to s^20 (|s| <= 0.172: the next term is below 1e-17 of the
  // sum), in Estrin's form. `taken` is subtracted from k: the exponent a
  // subnormal x was scaled by.
  static lanes_type log_of_normal(const lanes_type& x, const lanes_type& taken) {
    using bits_type = xsimd::batch<std::uint64_t, Arch>;
    // √½ = 0x3fe6a09e'667f3bcd: adding 1 − √½ to the high word carries into
    // the exponent exactly when the mantissa is at least √2's.
    constexpr std::uint64_t one_minus_root_half = std::uint64_t(0x3ff00000 - 0x3fe6a09e) << 32;
    const bits_type bits = xsimd::bitwise_cast<bits_type>(x) + bits_type(one_minus_root_half);
    // k + 1023 (at most 11 bits) in the mantissa of 2^52, which is then taken away.
    const lanes_type k = xsimd::bitwise_cast<lanes_type>((bits >> 52) | bits_type(0x4330000000000000)) -
                         lanes_type(4503599627370496.0 + 1023.0) - taken;
    const lanes_type m = xsimd::bitwise_cast<lanes_type>((bits & bits_type(0x000fffffffffffff)) +
                                                         bits_type(std::uint64_t(0x3fe6a09e) << 32));
    const lanes_type f = m - lanes_type(1.0);
    const lanes_type half_f_squared = lanes_type(0.5) * f * f;
    const lanes_type s = f / (lanes_type(2.0) + f);
    const lanes_type z = s * s, z2 = z * z, z4 = z2 * z2, z8 = z4 * z4;
    // The series' coefficients in pairs: 2/(2j + 1) + 2/(2j + 3)·z multiplies z^(j−1).
    const auto pair = [&](int j) {
      return xsimd::fma(lanes_type(2.0 / (2 * j + 3)), z, lanes_type(2.0 / (2 * j + 1)));
    };
    const lanes_type series =
        xsimd::fma(xsimd::fma(pair(7), z2, pair(5)), z4, xsimd::fma(pair(3), z2, pair(1))) + pair(9) * z8;
    const lanes_type r = z * series;
    return xsimd::fma(k, lanes_type(ln2_high),
                      xsimd::fma(s, half_f_squared + r, k * lanes_type(ln2_low)) - half_f_squared + f);
  }

  // erf and pow within 1 ulp of the correctly rounded value (SLEEF's u10
  // functions), where SLEEF has them for the pack's width
  // (simd/detail/sleef.hpp); else the standard library's lane by lane:
  // xsimd's are not within 2 ulp.
  using sleef = sleef_functions<T, lanes_type::size>;
  static lanes_type erf(const lanes_type& x) {
    if constexpr (requires { sleef::erf; }) {
      return sleef::erf(x);
    } else {
      return map([](T lane) { return std::erf(lane); }, x);
    }
  }
  template <class U>
  static lanes_type pow(const lanes_type& base, const U& exponent) {
    if constexpr (requires { sleef::pow; }) {
      return sleef::pow(base, lanes_type(exponent));
    } else {
      return map([](T base_lane, T exponent_lane) { return std::pow(base_lane, exponent_lane); }, base, exponent);
    }
  }

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

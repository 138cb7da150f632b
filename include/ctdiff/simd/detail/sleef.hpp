// The SLEEF functions that packs call (simd/pack.hpp): erf and pow within
// 1 ulp, for the instruction sets where they are faster than the standard
// library's lane by lane (AVX2 and AVX-512; not SSE2: bench/results/simd.md).
// Declared here, with the signatures of SLEEF 3's <sleef.h>, rather than by
// including it: that header declares every function for every instruction
// set, and parsing it cost more than xsimd. Link libsleef (ctdiff::simd does).
#pragma once

#include <cstddef>

// <immintrin.h> only where there is something to declare: it holds every
// instruction set's intrinsics, which an SSE2 build does not otherwise parse.
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

// With SLEEF's `const` on the return types, which g++ keeps in the type (a
// declaration without it conflicts with <sleef.h>'s) and clang warns about.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-qualifiers"
extern "C" {
#ifdef __AVX2__
const __m256d Sleef_erfd4_u10avx2(__m256d);
const __m256 Sleef_erff8_u10avx2(__m256);
const __m256d Sleef_powd4_u10avx2(__m256d, __m256d);
const __m256 Sleef_powf8_u10avx2(__m256, __m256);
#endif
#ifdef __AVX512F__
const __m512d Sleef_erfd8_u10avx512f(__m512d);
const __m512 Sleef_erff16_u10avx512f(__m512);
const __m512d Sleef_powd8_u10avx512f(__m512d, __m512d);
const __m512 Sleef_powf16_u10avx512f(__m512, __m512);
#endif
}
#pragma GCC diagnostic pop

namespace ctdiff::detail {

// SLEEF's erf and pow for a register of `Lanes` numbers of type T: defined
// only for the registers above, so whether a pack has them is whether this is.
template <class T, std::size_t Lanes>
struct sleef_functions;

template <auto Erf, auto Pow>
struct sleef_pair {
  static constexpr auto erf = Erf;
  static constexpr auto pow = Pow;
};

#ifdef __AVX2__
template <>
struct sleef_functions<double, 4> : sleef_pair<Sleef_erfd4_u10avx2, Sleef_powd4_u10avx2> {};
template <>
struct sleef_functions<float, 8> : sleef_pair<Sleef_erff8_u10avx2, Sleef_powf8_u10avx2> {};
#endif
#ifdef __AVX512F__
template <>
struct sleef_functions<double, 8> : sleef_pair<Sleef_erfd8_u10avx512f, Sleef_powd8_u10avx512f> {};
template <>
struct sleef_functions<float, 16> : sleef_pair<Sleef_erff16_u10avx512f, Sleef_powf16_u10avx512f> {};
#endif

}  // namespace ctdiff::detail

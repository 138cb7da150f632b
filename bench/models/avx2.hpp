// What a person writes for a gradient with AVX2 intrinsics (<immintrin.h>),
// four doubles a register: the hand_written_avx2 rows, which issue 20 names
// as the limit for ctdiff's packs. Only where the compiler targets AVX2 and
// FMA (-march=x86-64-v3 or later).
#pragma once

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <array>
#include <cstddef>

namespace bench::avx2 {

inline constexpr std::size_t width = 4;

// Four samples of two doubles each, stored one after the other at p: their
// first members and their second members, lanes in the order 0 2 1 3 (the
// sums over samples do not depend on it).
inline void load_pairs(const double* p, __m256d& first, __m256d& second) {
  const __m256d low = _mm256_loadu_pd(p), high = _mm256_loadu_pd(p + width);
  first = _mm256_unpacklo_pd(low, high);
  second = _mm256_unpackhi_pd(low, high);
}

inline double sum(__m256d v) {
  const __m128d pair = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(pair, _mm_unpackhi_pd(pair, pair)));
}

// e^x for |x| < 700 (no overflow, underflow or NaN handling): x = k·ln 2 + r
// with |r| <= ln 2 / 2, e^r by its Taylor polynomial to r^13 (the next term is
// below 1e-17 relative), 2^k written into the exponent bits.
inline __m256d exp(__m256d x) {
  const __m256d k = _mm256_round_pd(_mm256_mul_pd(x, _mm256_set1_pd(1.4426950408889634)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256d r = _mm256_fnmadd_pd(k, _mm256_set1_pd(0.6931471805599453), x);
  r = _mm256_fnmadd_pd(k, _mm256_set1_pd(2.3190468138462996e-17), r);
  constexpr auto inverse_factorials = [] {
    std::array<double, 14> c{1.0};
    for (std::size_t k = 1; k != c.size(); ++k) c[k] = c[k - 1] / static_cast<double>(k);
    return c;
  }();
  __m256d e_r = _mm256_set1_pd(inverse_factorials[13]);
  for (std::size_t k = 13; k-- != 0;) e_r = _mm256_fmadd_pd(e_r, r, _mm256_set1_pd(inverse_factorials[k]));
  const __m256i exponent =
      _mm256_slli_epi64(_mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(k)), _mm256_set1_epi64x(1023)), 52);
  return _mm256_mul_pd(e_r, _mm256_castsi256_pd(exponent));
}

}  // namespace bench::avx2
#endif

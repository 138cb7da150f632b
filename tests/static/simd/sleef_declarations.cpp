// ctdiff declares the SLEEF functions that packs call (simd/detail/sleef.hpp)
// instead of including <sleef.h>: with both in one translation unit, a
// declaration that differs from SLEEF's own is a compile error ("conflicting
// declaration of C function"). Built twice, for AVX2 and for AVX-512, where
// those declarations are visible.
#include <sleef.h>

#include <ctdiff/simd/detail/sleef.hpp>

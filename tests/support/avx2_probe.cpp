// Exits 0 where this machine runs AVX2 and FMA instructions (CMake's try_run
// asks, before building test_packs a second time with them).
int main() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 0 : 1; }

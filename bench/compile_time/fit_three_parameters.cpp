// Issue 18's 3-parameter fit: ŷ = a·exp(−b·x) + c by fit with Adam on the
// loss ½(ŷ − y)², over 200 samples of y = 2.5·exp(−1.3·x) + 0.5 on [0, 4]
// with uniform noise in [−0.05, 0.05] (the flagship's data, without its
// printing, gradient check and least squares).
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#include <random>
#include <vector>

int main() {
  using namespace ctdiff;
  constexpr auto a = var<"a">;
  constexpr auto b = var<"b">;
  constexpr auto c = var<"c">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  constexpr auto model = a * exp(-b * x) + c;
  std::vector<double> xs, ys;
  std::mt19937_64 generator(2026);
  for (int i = 0; i != 200; ++i) {
    xs.push_back(4.0 * i / 199);
    ys.push_back(eval(model, at(a = 2.5, b = 1.3, c = 0.5, x = xs.back())) +
                 0.1 * (double(generator() >> 11) * 0x1p-53 - 0.5));
  }
  const auto result =
      fit(0.5 * pow<2>(model - y), params(a = 1.0, b = 0.5, c = 0.0), data(x = xs, y = ys),
          {.method = optimizer::adam, .learning_rate = 0.02, .max_epochs = 200, .batch_size = 20, .seed = 1});
  std::printf("a %.4f  b %.4f  c %.4f  (true 2.5, 1.3, 0.5), %zu epochs\n", result[a], result[b], result[c],
              result.epochs);
}

// Issue 18's batched fit: the 784→128 sigmoid → 10 softmax network of
// bench/mlp_benchmarks.cpp, written for one sample and trained over
// mini-batches by fit (<ctdiff/batch.hpp>), on 1024 random inputs in [0, 1)
// whose label is the brightest of ten pixel bands, for a few epochs of Adam.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <ctdiff/batch.hpp>
#include <random>
#include <vector>

int main() {
  using namespace ctdiff;
  constexpr std::size_t inputs = 784, classes = 10, samples_count = 1024;
  constexpr two_layer_model<inputs, 128, classes> net{};
  std::vector<double> images(inputs * samples_count);
  std::vector<std::size_t> labels(samples_count);
  std::mt19937_64 generator(18);
  std::uniform_real_distribution<double> pixel(0, 1);
  for (double& value : images) value = pixel(generator);
  // A learnable label: the band of 78 pixels with the largest sum.
  for (std::size_t n = 0; n != samples_count; ++n) {
    std::vector<double> bands(classes);
    for (std::size_t p = 0; p != 78 * classes; ++p) bands[p / 78] += images[inputs * n + p];
    labels[n] = std::size_t(std::max_element(bands.begin(), bands.end()) - bands.begin());
  }
  const auto result =
      fit(cross_entropy(net.logits, net.y),
          params(net.W1 = glorot_uniform(net.W1, 1), net.b1 = zeros(net.b1), net.W2 = glorot_uniform(net.W2, 2),
                 net.b2 = zeros(net.b2)),
          data(samples(net.x, images), samples(net.y, one_hot(labels, classes))),
          {.method = optimizer::adam, .learning_rate = 0.001, .max_epochs = 5, .batch_size = 32, .seed = 7});
  for (std::size_t e = 0; e != result.loss_per_epoch.size(); ++e)
    std::printf("epoch %zu  loss %.4f\n", e, result.loss_per_epoch[e]);
  const auto predicted = argmax(predict(net.logits, result, data(samples(net.x, images))), classes);
  std::printf("training accuracy %.1f%%\n", 100 * accuracy(predicted, labels));
}

// The gradient of the mean cross-entropy of a 784→128 sigmoid → 10 softmax
// network over one batch of 128 random inputs (issue 10's table), in double
// (mlp_784_128_10) and float (mlp_784_128_10_float):
//   ctdiff             the model written for one sample, over the batch by
//                      <ctdiff/batch.hpp> (matrix-matrix products by Eigen's GEMM)
//   eigen              the same network written directly against Eigen, with
//                      Eigen's own products: the kernel's reference
//   ctdiff_per_sample  today's tensor path: add_gradient sample by sample
// Every row's gradient is checked against the eigen row's before it is timed.
// Beside them, batch_log_8x4096: an elementwise log over a batch.
// Built with -march=native: Eigen picks its vector width at compile time.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <ctdiff/batch.hpp>
#include <memory>
#include <random>
#include <span>
#include <vector>

namespace {

constexpr std::size_t inputs = 784, hidden = 128, classes = 10, batch = 128;

constexpr ctdiff::two_layer_model<inputs, hidden, classes> net{};
constexpr auto weights = net.parameters;
constexpr auto loss = ctdiff::cross_entropy(net.logits, net.y);
constexpr auto loss_gradient = ctdiff::gradient(loss, weights);
constexpr std::size_t parameter_count = ctdiff::flat_size(weights);

// Parameters in the flat layout of wrt(W1, b1, W2, b2), each row-major, and a
// batch: inputs uniform in [0, 1), one sample per row, and one-hot labels.
template <class T>
struct problem {
  std::vector<T> parameters, features, one_hot;
  problem() : parameters(parameter_count), features(inputs * batch), one_hot(classes * batch) {
    std::mt19937_64 generator(10);
    auto fill = [&](T* first, std::size_t count, double limit) {
      std::uniform_real_distribution<double> distribution(-limit, limit);
      for (std::size_t i = 0; i != count; ++i) first[i] = T(distribution(generator));
    };
    fill(parameters.data(), hidden * (inputs + 1), 1 / std::sqrt(double(inputs)));
    fill(parameters.data() + hidden * (inputs + 1), classes * (hidden + 1), 1 / std::sqrt(double(hidden)));
    std::uniform_real_distribution<double> pixel(0, 1);
    for (T& value : features) value = T(pixel(generator));
    for (std::size_t n = 0; n != batch; ++n) one_hot[classes * n + generator() % classes] = 1;
  }
  auto parameter_bindings() const { return ctdiff::tensors_in(weights, std::span<const T>(parameters)).bindings(); }
};

// The network by hand in Eigen: one matrix per layer over the batch, the
// samples as columns; its buffers made once.
template <class T>
struct eigen_network {
  using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using row_major = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  matrix activation = matrix(hidden, batch), delta_hidden = matrix(hidden, batch);
  matrix probabilities = matrix(classes, batch);

  T gradient(const problem<T>& p, std::vector<T>& flat) {
    const T* const w = p.parameters.data();
    const Eigen::Map<const row_major> w1(w, hidden, inputs), w2(w + hidden * (inputs + 1), classes, hidden);
    const Eigen::Map<const vector> bias1(w + hidden * inputs, hidden), bias2(w + parameter_count - classes, classes);
    const Eigen::Map<const matrix> images(p.features.data(), inputs, batch), labels(p.one_hot.data(), classes, batch);
    Eigen::Map<row_major> g1(flat.data(), hidden, inputs), g2(flat.data() + hidden * (inputs + 1), classes, hidden);
    Eigen::Map<vector> g_bias1(flat.data() + hidden * inputs, hidden),
        g_bias2(flat.data() + parameter_count - classes, classes);
    activation.noalias() = w1 * images;
    activation = (-(activation.colwise() + bias1)).array().exp();
    activation = (T(1) + activation.array()).inverse();
    probabilities.noalias() = w2 * activation;
    probabilities.colwise() += bias2;
    T total = 0;
    for (Eigen::Index j = 0; j != probabilities.cols(); ++j) {
      auto column = probabilities.col(j);
      const T largest = column.maxCoeff();
      const T label_dot = labels.col(j).dot(column);
      column = (column.array() - largest).exp();
      const T sum = column.sum();
      total += (largest + std::log(sum)) * labels.col(j).sum() - label_dot;
      column /= sum;
    }
    const T scale = T(1) / T(batch);
    (probabilities -= labels) *= scale;
    g2.noalias() = probabilities * activation.transpose();
    g_bias2 = probabilities.rowwise().sum();
    delta_hidden.noalias() = w2.transpose() * probabilities;
    delta_hidden.array() *= activation.array() * (T(1) - activation.array());
    g1.noalias() = delta_hidden * images.transpose();
    g_bias1 = delta_hidden.rowwise().sum();
    return total * scale;
  }
};

template <class T>
void check_close(const std::vector<T>& gradient, const std::vector<T>& reference, const char* row) {
  double largest = 0, difference = 0;
  for (std::size_t i = 0; i != reference.size(); ++i) {
    largest = std::max(largest, std::abs(double(reference[i])));
    difference = std::max(difference, std::abs(double(gradient[i]) - double(reference[i])));
  }
  const double tolerance = std::is_same_v<T, float> ? 1e-4 : 1e-10;
  if (!(difference <= tolerance * largest)) {
    std::fprintf(stderr, "%s: gradient differs from Eigen's by %g (largest entry %g)\n", row, difference, largest);
    std::exit(1);
  }
}

template <class T>
std::vector<T> eigen_gradient(const problem<T>& p) {
  std::vector<T> flat(parameter_count);
  eigen_network<T>().gradient(p, flat);
  return flat;
}

template <class T>
void eigen_row(benchmark::State& state) {
  static const problem<T> p;
  eigen_network<T> network;
  std::vector<T> flat(parameter_count);
  for (auto _ : state) benchmark::DoNotOptimize(network.gradient(p, flat));
}

template <class T>
void ctdiff_row(benchmark::State& state) {
  static const problem<T> p;
  auto workspace = ctdiff::make_batch_workspace<T>(loss, ctdiff::per_sample(net.x, net.y), batch);
  const auto b = ctdiff::combine(p.parameter_bindings(),
                                 ctdiff::at(ctdiff::samples(net.x, p.features), ctdiff::samples(net.y, p.one_hot)));
  std::vector<T> flat(parameter_count);
  auto gradient = [&] {
    std::fill(flat.begin(), flat.end(), T(0));
    return ctdiff::add_gradient(loss_gradient, b, workspace, std::span<T>(flat), T(1) / T(batch));
  };
  gradient();
  check_close(flat, eigen_gradient(p), "ctdiff");
  for (auto _ : state) benchmark::DoNotOptimize(gradient());
}

template <class T>
void ctdiff_per_sample_row(benchmark::State& state) {
  static const problem<T> p;
  const auto workspace = std::make_unique<ctdiff::workspace<T, decltype(loss)>>();
  const auto parameters = p.parameter_bindings();
  std::vector<T> flat(parameter_count);
  auto gradient = [&] {
    std::fill(flat.begin(), flat.end(), T(0));
    T total = 0;
    for (std::size_t n = 0; n != batch; ++n) {
      const auto sample = ctdiff::at(net.x = std::span<const T, inputs>(p.features.data() + inputs * n, inputs),
                                     net.y = std::span<const T, classes>(p.one_hot.data() + classes * n, classes));
      total += ctdiff::add_gradient(loss_gradient, ctdiff::combine(parameters, sample), *workspace, std::span<T>(flat));
    }
    for (T& value : flat) value /= T(batch);
    return total / T(batch);
  };
  gradient();
  check_close(flat, eigen_gradient(p), "ctdiff_per_sample");
  for (auto _ : state) benchmark::DoNotOptimize(gradient());
}

// An elementwise function over a batch (4096 samples of 8 features in
// (0.01, 32.8)): the batch path's values of log(v), against std::log in a loop
// over the same numbers, which is what the batch path ran before log went
// through Eigen's vectorised log.
constexpr std::size_t log_features = 8, log_samples = 4096;
constexpr auto log_input = ctdiff::vector<"v", log_features>;

std::vector<double> log_points() {
  std::vector<double> points(log_features * log_samples);
  for (std::size_t i = 0; i != points.size(); ++i) points[i] = 0.01 + 1e-3 * static_cast<double>(i);
  return points;
}

void batch_log_ctdiff(benchmark::State& state) {
  const std::vector<double> points = log_points();
  constexpr auto model = ctdiff::log(log_input);
  auto workspace = ctdiff::make_batch_workspace<double>(model, ctdiff::per_sample(log_input), log_samples);
  const auto bound = ctdiff::at(ctdiff::samples(log_input, std::span<const double>(points)));
  const auto values = ctdiff::eval_samples(model, bound, workspace);
  for (std::size_t i = 0; i != points.size(); ++i) {
    if (std::abs(values[i] - std::log(points[i])) > 1e-15 * std::abs(std::log(points[i])) + 1e-300) {
      state.SkipWithError("the batch path's log differs from std::log");
      return;
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize(ctdiff::eval_samples(model, bound, workspace).data());
}

void batch_log_std(benchmark::State& state) {
  const std::vector<double> points = log_points();
  std::vector<double> values(points.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i != points.size(); ++i) values[i] = std::log(points[i]);
    benchmark::DoNotOptimize(values.data());
  }
}

BENCHMARK(batch_log_ctdiff)->Name("batch_log_8x4096/ctdiff")->Unit(benchmark::kMicrosecond);
BENCHMARK(batch_log_std)->Name("batch_log_8x4096/std_log_loop")->Unit(benchmark::kMicrosecond);

BENCHMARK(ctdiff_row<double>)->Name("mlp_784_128_10/ctdiff")->Unit(benchmark::kMillisecond);
BENCHMARK(eigen_row<double>)->Name("mlp_784_128_10/eigen")->Unit(benchmark::kMillisecond);
BENCHMARK(ctdiff_per_sample_row<double>)->Name("mlp_784_128_10/ctdiff_per_sample")->Unit(benchmark::kMillisecond);
BENCHMARK(ctdiff_row<float>)->Name("mlp_784_128_10_float/ctdiff")->Unit(benchmark::kMillisecond);
BENCHMARK(eigen_row<float>)->Name("mlp_784_128_10_float/eigen")->Unit(benchmark::kMillisecond);
BENCHMARK(ctdiff_per_sample_row<float>)->Name("mlp_784_128_10_float/ctdiff_per_sample")->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}

// Fisher's Iris data (150 flowers, 4 measurements, 3 species) classified by
// softmax regression: one score per species, z_k = w_k·x + b_k, trained with
// Adam on the cross-entropy E = log(Σ exp z_k) − Σ t_k z_k, where t is the
// one-hot species. Every weight is a scalar symbol (15 parameters). The
// measurements are standardized first so one learning rate suits them all.
#include <array>
#include <cmath>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#include <vector>

#include "example_check.hpp"

namespace {

constexpr auto x0 = ctdiff::var<"x0">;
constexpr auto x1 = ctdiff::var<"x1">;
constexpr auto x2 = ctdiff::var<"x2">;
constexpr auto x3 = ctdiff::var<"x3">;

// The score of one species: its weights and bias are the arguments.
constexpr auto score(auto w0, auto w1, auto w2, auto w3, auto b) { return w0 * x0 + w1 * x1 + w2 * x2 + w3 * x3 + b; }

std::vector<double> standardized(const std::vector<double>& column) {
  double mean = 0;
  for (double value : column) mean += value;
  mean /= double(column.size());
  double variance = 0;
  for (double value : column) variance += (value - mean) * (value - mean);
  const double deviation = std::sqrt(variance / double(column.size()));
  std::vector<double> result;
  for (double value : column) result.push_back((value - mean) / deviation);
  return result;
}

}  // namespace

int main() {
  using namespace ctdiff;
  const csv_table table = read_csv(CTDIFF_DATA_DIR "/iris.csv");
  const std::array<const char*, 4> feature_names{"sepal_length", "sepal_width", "petal_length", "petal_width"};
  std::array<std::vector<double>, 4> features;
  for (std::size_t j = 0; j != features.size(); ++j) features[j] = standardized(table[feature_names[j]]);
  const std::vector<double>& species = table["species"];
  std::array<std::vector<double>, 3> one_hot;
  for (std::size_t k = 0; k != one_hot.size(); ++k) {
    for (double s : species) one_hot[k].push_back(s == double(k) ? 1.0 : 0.0);
  }
  std::printf("%zu flowers read from iris.csv\n", table.rows());

  constexpr auto t0 = var<"t0">;
  constexpr auto t1 = var<"t1">;
  constexpr auto t2 = var<"t2">;
  constexpr auto z0 = score(var<"w00">, var<"w01">, var<"w02">, var<"w03">, var<"b0">);
  constexpr auto z1 = score(var<"w10">, var<"w11">, var<"w12">, var<"w13">, var<"b1">);
  constexpr auto z2 = score(var<"w20">, var<"w21">, var<"w22">, var<"w23">, var<"b2">);
  constexpr auto loss = log(exp(z0) + exp(z1) + exp(z2)) - (t0 * z0 + t1 * z1 + t2 * z2);
  std::printf("E       = %s\ndE/db0   = %s\ndE/dw02  = %s\n", to_string(loss).c_str(),
              to_string(d(loss, var<"b0">)).c_str(), to_string(d(loss, var<"w02">)).c_str());

  const auto samples = data(x0 = features[0], x1 = features[1], x2 = features[2], x3 = features[3], t0 = one_hot[0],
                            t1 = one_hot[1], t2 = one_hot[2]);
  const auto start = params(var<"w00"> = 0.0, var<"w01"> = 0.0, var<"w02"> = 0.0, var<"w03"> = 0.0, var<"b0"> = 0.0,
                            var<"w10"> = 0.0, var<"w11"> = 0.0, var<"w12"> = 0.0, var<"w13"> = 0.0, var<"b1"> = 0.0,
                            var<"w20"> = 0.0, var<"w21"> = 0.0, var<"w22"> = 0.0, var<"w23"> = 0.0, var<"b2"> = 0.0);
  const auto result = fit(loss, start, samples,
                          {.method = optimizer::adam, .learning_rate = 0.05, .max_epochs = 500, .batch_size = 10});
  const auto& curve = result.loss_per_epoch;
  std::printf("cross-entropy: %.4f at the start, %.4f after 100 epochs, %.4f after %zu epochs (%s)\n", curve.front(),
              curve[100], curve.back(), result.epochs, to_string(result.stop));

  const std::array scores{predict(z0, result.parameters, samples), predict(z1, result.parameters, samples),
                          predict(z2, result.parameters, samples)};
  std::array<int, 3> correct{}, total{};
  for (std::size_t i = 0; i != species.size(); ++i) {
    std::size_t predicted = 0;
    for (std::size_t k = 1; k != scores.size(); ++k) {
      if (scores[k][i] > scores[predicted][i]) predicted = k;
    }
    const auto actual = static_cast<std::size_t>(species[i]);
    ++total[actual];
    correct[actual] += predicted == actual ? 1 : 0;
  }
  const std::array<const char*, 3> species_names{"setosa", "versicolor", "virginica"};
  for (std::size_t k = 0; k != species_names.size(); ++k) {
    std::printf("%-10s %2d/%2d correct (%.1f%%)\n", species_names[k], correct[k], total[k],
                100.0 * correct[k] / total[k]);
  }
  const double accuracy = double(correct[0] + correct[1] + correct[2]) / double(species.size());
  std::printf("training accuracy %.1f%%\n", 100.0 * accuracy);
  example::expect(accuracy >= 0.95, "training accuracy of at least 95%");
  return example::exit_code();
}

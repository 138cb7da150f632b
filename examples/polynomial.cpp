// θ0·x² + θ1·x + θ2 fitted to (−2, −5), (0, 1), (1, 4) with E = ½(f − y)²,
// from θ = [1, 1, 1]. The data lie on y = 3x + 1, so every method converges
// to [0, 3, 1]: gradient descent, momentum and Adam, and Newton's method with
// the compile-time Hessian in one step (the loss is quadratic).
//
// The three first-order loss curves are written as CSV files
// (polynomial_loss_<method>.csv) and drawn in one SVG file,
// polynomial_loss.svg, in the directory given as the first argument
// (default: the working directory).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctdiff/ctdiff.hpp>
#include <ctdiff/newton.hpp>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "example_check.hpp"

namespace {

struct curve {
  std::string name;
  std::string colour;
  std::vector<double> loss_per_epoch;
};

// log10(loss) against epoch, one polyline per curve, with a legend.
void write_loss_svg(const std::filesystem::path& path, std::span<const curve> curves) {
  constexpr double width = 640, height = 400, margin = 50;
  constexpr double floor = 1e-30;  // a loss of exactly 0 has no logarithm
  std::size_t epochs = 1;
  double low = 0, high = 0;
  for (const curve& c : curves) {
    epochs = std::max(epochs, c.loss_per_epoch.size() - 1);
    for (double loss : c.loss_per_epoch) {
      low = std::min(low, std::log10(std::max(loss, floor)));
      high = std::max(high, std::log10(std::max(loss, floor)));
    }
  }
  auto to_x = [&](std::size_t epoch) { return margin + (width - 2 * margin) * double(epoch) / double(epochs); };
  auto to_y = [&](double loss) {
    return height - margin - (height - 2 * margin) * (std::log10(std::max(loss, floor)) - low) / (high - low);
  };
  std::ofstream svg(path);
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height << "\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << width / 2 << "\" y=\"25\" text-anchor=\"middle\">log10(mean loss) by epoch</text>\n"
      << "<line x1=\"" << margin << "\" y1=\"" << height - margin << "\" x2=\"" << width - margin << "\" y2=\""
      << height - margin << "\" stroke=\"black\"/>\n"
      << "<line x1=\"" << margin << "\" y1=\"" << margin << "\" x2=\"" << margin << "\" y2=\"" << height - margin
      << "\" stroke=\"black\"/>\n"
      << "<text x=\"" << margin << "\" y=\"" << height - margin + 20 << "\">0</text>\n"
      << "<text x=\"" << width - margin << "\" y=\"" << height - margin + 20 << "\" text-anchor=\"end\">" << epochs
      << " epochs</text>\n"
      << "<text x=\"5\" y=\"" << margin << "\">" << std::lround(high) << "</text>\n"
      << "<text x=\"5\" y=\"" << height - margin << "\">" << std::lround(low) << "</text>\n";
  for (std::size_t i = 0; i != curves.size(); ++i) {
    svg << "<polyline fill=\"none\" stroke=\"" << curves[i].colour << "\" points=\"";
    for (std::size_t epoch = 0; epoch != curves[i].loss_per_epoch.size(); ++epoch) {
      svg << to_x(epoch) << ',' << to_y(curves[i].loss_per_epoch[epoch]) << ' ';
    }
    svg << "\"/>\n<text x=\"" << width - margin - 120 << "\" y=\"" << margin + 20 * double(i) << "\" fill=\""
        << curves[i].colour << "\">" << curves[i].name << "</text>\n";
  }
  svg << "</svg>\n";
  if (!svg) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ctdiff;
  const std::filesystem::path output_directory = argc > 1 ? argv[1] : ".";
  constexpr auto t0 = var<"θ0">;
  constexpr auto t1 = var<"θ1">;
  constexpr auto t2 = var<"θ2">;
  constexpr auto x = var<"x">;
  constexpr auto y = var<"y">;
  constexpr auto model = t0 * pow<2>(x) + t1 * x + t2;
  constexpr auto loss = 0.5 * pow<2>(model - y);
  std::printf("f      = %s\nE      = %s\n", to_string(model).c_str(), to_string(loss).c_str());
  std::printf("dE/dθ0 = %s\ndE/dθ1 = %s\ndE/dθ2 = %s\n", to_string(d(loss, t0)).c_str(), to_string(d(loss, t1)).c_str(),
              to_string(d(loss, t2)).c_str());

  const std::array xs{-2.0, 0.0, 1.0};
  const std::array ys{-5.0, 1.0, 4.0};
  const auto samples = data(x = xs, y = ys);
  const auto start = params(t0 = 1.0, t1 = 1.0, t2 = 1.0);

  auto report = [&](const char* method, const auto& result) {
    std::printf("%s: %zu epochs (%s), loss %.3g\n", method, result.epochs, to_string(result.stop),
                result.loss_per_epoch.back());
    example::expect_near("  θ0", result[t0], 0.0, 1e-6);
    example::expect_near("  θ1", result[t1], 3.0, 1e-6);
    example::expect_near("  θ2", result[t2], 1.0, 1e-6);
  };

  struct run {
    optimizer method;
    double learning_rate;
    const char* file_stem;
    const char* colour;
  };
  std::vector<curve> curves;
  for (const run r : {run{optimizer::gradient_descent, 0.1, "gradient_descent", "black"},
                      run{optimizer::momentum, 0.02, "momentum", "blue"}, run{optimizer::adam, 0.1, "adam", "red"}}) {
    const auto result =
        fit(loss, start, samples,
            {.method = r.method, .learning_rate = r.learning_rate, .max_epochs = 5000, .gradient_tolerance = 1e-9});
    const std::string name(to_string(r.method));
    report(name.c_str(), result);
    write_loss_csv(output_directory / (std::string("polynomial_loss_") + r.file_stem + ".csv"), result.loss_per_epoch);
    curves.push_back({name, r.colour, result.loss_per_epoch});
  }
  write_loss_svg(output_directory / "polynomial_loss.svg", curves);
  std::printf("loss curves: %s\n", (output_directory / "polynomial_loss.svg").string().c_str());

  const auto newton = fit_newton(loss, start, samples, {.max_epochs = 10, .gradient_tolerance = 1e-9});
  report("Newton", newton);
  example::expect(newton.epochs == 1, "Newton's method solves a quadratic loss in one step");
  return example::exit_code();
}

#!/bin/sh
# Compile time of the same two-layer tensor gradient (64 inputs -> hidden ->
# 10 classes, sigmoid, softmax cross-entropy) for several hidden widths. The
# expression's type has the same nodes at every width, so the time should be
# flat. Usage: bench/tensor_compile_time.sh [compiler] [widths...]
set -eu
compiler=${1:-g++}
[ $# -gt 0 ] && shift
widths=${*:-8 32 128}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/model.cpp" <<'CPP'
#include <array>
#include <ctdiff/ctdiff.hpp>
#include <vector>

int main(int argc, char**) {
  using namespace ctdiff;
  constexpr auto x = ctdiff::vector<"x", 64>;
  constexpr auto y = ctdiff::vector<"y", 10>;
  constexpr auto W1 = matrix<"W1", HIDDEN, 64>;
  constexpr auto b1 = ctdiff::vector<"b1", HIDDEN>;
  constexpr auto W2 = matrix<"W2", 10, HIDDEN>;
  constexpr auto b2 = ctdiff::vector<"b2", 10>;
  constexpr auto loss = cross_entropy(W2 * sigmoid(W1 * x + b1) + b2, y);
  constexpr auto parameters = wrt(W1, b1, W2, b2);
  std::vector<double> flat(flat_size(parameters), 0.01 * argc), sums(flat.size());
  std::array<double, 64> image{};
  std::array<double, 10> label{};
  label[0] = 1;
  workspace<double, decltype(loss)> state;
  const auto bound = combine(tensors_in(parameters, std::span<double>(flat)).bindings(), at(x = image, y = label));
  return add_gradient(gradient(loss, parameters), bound, state, std::span<double>(sums)) > 0 ? 0 : 1;
}
CPP

# The headers alone, for reference: what every translation unit pays.
echo '#include <ctdiff/ctdiff.hpp>
int main() {}' >"$work/headers.cpp"
/usr/bin/time -f "%e %M" -o "$work/time" "$compiler" -std=c++20 -O2 -I"$root/include" -c "$work/headers.cpp" -o "$work/headers.o"
read -r seconds kilobytes <"$work/time"
echo "headers only: $seconds s, $((kilobytes / 1024)) MB"
echo "hidden width, seconds, peak memory (MB), compiler $compiler -std=c++20 -O2"
for width in $widths; do
  /usr/bin/time -f "%e %M" -o "$work/time" "$compiler" -std=c++20 -O2 -I"$root/include" -DHIDDEN="$width" \
    -c "$work/model.cpp" -o "$work/model.o"
  read -r seconds kilobytes <"$work/time"
  echo "$width, $seconds, $((kilobytes / 1024))"
done

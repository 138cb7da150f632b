#!/usr/bin/env python3
"""Compile time and peak memory of a ctdiff gradient as the network grows.

For each H, generates a translation unit holding the loss ½(output − y)² of a
2→H→1 network (sigmoid hidden units, linear output) written with scalar
symbols, and a function evaluating its gradient with respect to all 4H + 1
parameters; compiles it with g++ -std=c++20 -O2 -c under /usr/bin/time -v and
prints the wall time, the peak memory and their growth from the previous H.
Targets: H = 16 in at most 10 s and 1.5 GB. With --dense I×H×O (repeatable),
also the gradient of issue 9's I→H→O network, whose sigmoid hidden units all
feed every sigmoid output (loss Σ_k (o_k − t_k)²), at --dense-flags.
--include measures another checkout's headers. Standard library only.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = os.path.join(ROOT, "include")


def network_source(hidden):
    names = []
    for j in range(hidden):
        names += [f"w{j}_1", f"w{j}_2", f"b{j}"]
    names += [f"v{j}" for j in range(hidden)] + ["c"]
    symbols = "\n".join(f'constexpr auto {name} = var<"{name}">;' for name in names + ["x1", "x2", "y"])
    units = " + ".join(f"v{j} * sigmoid(w{j}_1 * x1 + w{j}_2 * x2 + b{j})" for j in range(hidden))
    bindings = ", ".join(f"{name} = p[{i}]" for i, name in enumerate(names))
    return f"""#include <array>
#include <ctdiff/ctdiff.hpp>
using namespace ctdiff;
{symbols}

std::array<double, {len(names)}> network_gradient(const double* p, double x1_value, double x2_value, double y_value) {{
  constexpr auto output = c + {units};
  constexpr auto loss = pow<2>(output - y) / 2;
  constexpr auto g = gradient(loss, wrt({", ".join(names)}));
  return eval(g, at({bindings}, x1 = x1_value, x2 = x2_value, y = y_value));
}}
"""


def dense_network_source(inputs, hidden, outputs):
    weights = [[f"a{j}_{i}" for i in range(inputs)] + [f"c{j}"] for j in range(hidden)]
    output_weights = [[f"v{k}_{j}" for j in range(hidden)] + [f"e{k}"] for k in range(outputs)]
    names = [name for unit in weights + output_weights for name in unit]
    data = [f"x{i}" for i in range(inputs)] + [f"t{k}" for k in range(outputs)]
    symbols = "\n".join(f'constexpr auto {name} = var<"{name}">;' for name in names + data)
    hidden_units = "\n".join(
        f"  constexpr auto h{j} = sigmoid("
        + " + ".join(f"{weights[j][i]} * x{i}" for i in range(inputs))
        + f" + {weights[j][inputs]});"
        for j in range(hidden)
    )
    output_units = "\n".join(
        f"  constexpr auto o{k} = sigmoid("
        + " + ".join(f"{output_weights[k][j]} * h{j}" for j in range(hidden))
        + f" + {output_weights[k][hidden]});"
        for k in range(outputs)
    )
    squared_errors = " + ".join(f"pow<2>(o{k} - t{k})" for k in range(outputs))
    bindings = ", ".join(f"{name} = p[{i}]" for i, name in enumerate(names))
    data_bindings = ", ".join(f"{name} = d[{i}]" for i, name in enumerate(data))
    return f"""#include <array>
#include <ctdiff/ctdiff.hpp>
using namespace ctdiff;
{symbols}

std::array<double, {len(names)}> network_gradient(const double* p, const double* d) {{
{hidden_units}
{output_units}
  constexpr auto loss = {squared_errors};
  constexpr auto g = gradient(loss, wrt({", ".join(names)}));
  return eval(g, at({bindings}, {data_bindings}));
}}
"""


def measure(source_path, compiler, flags=("-O2",)):
    command = ["/usr/bin/time", "-v", compiler, "-std=c++20", *flags, "-I", INCLUDE, "-c", source_path, "-o",
               os.devnull]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        return None, None, result.stderr.strip().splitlines()[-1]
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    memory = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    return seconds, int(memory.group(1)) / 1024, None


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("hidden", nargs="*", type=int, default=[2, 4, 8, 16, 32], help="the values of H")
    parser.add_argument("--compiler", default="g++")
    parser.add_argument("--keep", help="write the generated sources into this directory")
    parser.add_argument("--dense", action="append", default=[], help="an I×H×O (or IxHxO) network, e.g. 4x8x4")
    parser.add_argument("--dense-flags", default="-O3 -march=x86-64-v3", help="flags for the --dense networks")
    parser.add_argument("--include", help="the ctdiff headers to measure (default: this checkout's)")
    arguments = parser.parse_args()
    global INCLUDE
    INCLUDE = arguments.include or INCLUDE
    directory = arguments.keep or tempfile.mkdtemp(prefix="ctdiff-compile-time-")
    os.makedirs(directory, exist_ok=True)
    print(f"{arguments.compiler} -std=c++20 -O2, one gradient of a 2→H→1 sigmoid network with scalar symbols")
    print("| H | parameters | compile time | peak memory | time growth | memory growth |")
    print("|---:|---:|---:|---:|---:|---:|")
    baseline = os.path.join(directory, "include_only.cpp")
    with open(baseline, "w", encoding="utf-8") as file:
        file.write("#include <ctdiff/ctdiff.hpp>\n")
    seconds, megabytes, error = measure(baseline, arguments.compiler)
    print(f"| 0 (#include only) | 0 | {error or f'{seconds:.2f} s'} | {megabytes or 0:.0f} MB | | |")
    previous = None
    for hidden in arguments.hidden:
        path = os.path.join(directory, f"network_{hidden}.cpp")
        with open(path, "w", encoding="utf-8") as file:
            file.write(network_source(hidden))
        seconds, megabytes, error = measure(path, arguments.compiler)
        if error:
            print(f"| {hidden} | {4 * hidden + 1} | failed: {error} | | | |")
            previous = None
            continue
        growth = ("", "")
        if previous:
            growth = (f"{seconds / previous[0]:.2f}×", f"{megabytes / previous[1]:.2f}×")
        print(f"| {hidden} | {4 * hidden + 1} | {seconds:.2f} s | {megabytes:.0f} MB | {growth[0]} | {growth[1]} |")
        sys.stdout.flush()
        previous = (seconds, megabytes)
    if arguments.dense:
        print()
        print(f"{arguments.compiler} -std=c++20 {arguments.dense_flags}, one gradient of a dense I→H→O network "
              "(every sigmoid hidden unit feeding every sigmoid output) with scalar symbols")
        print("| network | parameters | compile time | peak memory |")
        print("|---|---:|---:|---:|")
    for network in arguments.dense:
        inputs, hidden, outputs = (int(size) for size in re.split("[x×]", network))
        path = os.path.join(directory, f"dense_{inputs}_{hidden}_{outputs}.cpp")
        with open(path, "w", encoding="utf-8") as file:
            file.write(dense_network_source(inputs, hidden, outputs))
        seconds, megabytes, error = measure(path, arguments.compiler, arguments.dense_flags.split())
        parameters = (inputs + 1) * hidden + (hidden + 1) * outputs
        result = f"failed: {error} | " if error else f"{seconds:.2f} s | {megabytes:.0f} MB"
        print(f"| {inputs}→{hidden}→{outputs} | {parameters} | {result} |")
        sys.stdout.flush()
    if not arguments.keep:
        for name in os.listdir(directory):
            os.remove(os.path.join(directory, name))
        os.rmdir(directory)


if __name__ == "__main__":
    main()

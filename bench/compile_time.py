#!/usr/bin/env python3
"""Compile time and peak memory of ctdiff's gradients, headers and programs.

For each H, generates a translation unit holding the loss ½(output − y)² of a
2→H→1 network (sigmoid hidden units, linear output) written with scalar
symbols, and a function evaluating its gradient with respect to all 4H + 1
parameters; compiles it with g++ -std=c++20 -O2 -c under /usr/bin/time -v and
prints the wall time, the peak memory and their growth from the previous H.
Targets: H = 16 in at most 10 s and 1.5 GB. With --dense I×H×O (repeatable),
also the gradient of issue 9's I→H→O network, whose sigmoid hidden units all
feed every sigmoid output (loss Σ_k (o_k − t_k)²), at --dense-flags.
--include measures another checkout's headers.

With --suite, issue 18's rows instead, at --flags: every public header alone,
the peers (<iostream>, <Eigen/Dense>, <boost/hana.hpp>, <ceres/jet.h>), the
flagship, the Michaelis–Menten fit with ctdiff and with Ceres, a 3-parameter
fit_newton and a 3-parameter fit, three models' gradients with ctdiff,
Ceres's Jet and Eigen's AutoDiff at -O3 -march=native, the 2→H→1 gradient
(H = 16, 32, 64 unless given) and the batched 784→128→10 fit (the programs in
bench/compile_time/), each compiled with -c, one compile at a time, in --runs
interleaved rounds (a change of load touches every row alike); prints a
Markdown table of the medians and the ratios issue 18 sets targets for. --only
REGEX keeps the rows whose name matches; --output FILE also writes the table
there, under a line naming the compiler, flags, machine and date. Standard
library only.
"""
import argparse
import datetime
import glob
import os
import re
import shutil
import statistics
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


def polynomial_source(degree_count, family):
    """The gradient of ½(Σᵢ θᵢxⁱ - y)² with respect to its coefficients: a family and sum<N>, or N symbols declared by hand."""
    if family:
        declarations = f'constexpr auto theta = vars<"t", {degree_count}>;'
        polynomial = f"sum<{degree_count}>([](auto i) {{ return theta[i] * pow<i>(x); }})"
        symbols, bindings = "theta", "theta = coefficients"
    else:
        names = [f"t{i}" for i in range(degree_count)]
        declarations = "\n".join(f'constexpr auto {name} = var<"{name}">;' for name in names)
        polynomial = " + ".join(f"{name} * pow<{i}>(x)" for i, name in enumerate(names))
        symbols = ", ".join(names)
        bindings = ", ".join(f"{name} = coefficients[{i}]" for i, name in enumerate(names))
    return f"""#include <array>
#include <ctdiff/ctdiff.hpp>
using namespace ctdiff;
constexpr auto x = var<"x">;
constexpr auto y = var<"y">;
{declarations}

std::array<double, {degree_count}> polynomial_gradient(const std::array<double, {degree_count}>& coefficients, double x_value, double y_value) {{
  constexpr auto loss = pow<2>({polynomial} - y) / 2;
  return eval(gradient(loss, wrt({symbols})), at({bindings}, x = x_value, y = y_value));
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


def run_compiler(command):
    """One compile under /usr/bin/time -v: (wall s, user + system s, peak MB, None), or Nones and the error."""
    result = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
    if result.returncode != 0:
        # The compiler's first error, from before the report /usr/bin/time appends.
        output = result.stderr.split("Command exited with non-zero status")[0].strip().splitlines() or ["failed"]
        return None, None, None, next((line for line in output if "error" in line), output[-1])
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    user = re.search(r"User time \(seconds\): ([\d.]+)", result.stderr)
    system = re.search(r"System time \(seconds\): ([\d.]+)", result.stderr)
    memory = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    return seconds, float(user.group(1)) + float(system.group(1)), int(memory.group(1)) / 1024, None


def measure(source_path, compiler, flags=("-O2",)):
    seconds, _, megabytes, error = run_compiler(
        [compiler, "-std=c++20", *flags, "-I", INCLUDE, "-c", source_path, "-o", os.devnull])
    return seconds, megabytes, error


# Issue 18's targets (g++ 12 -O2): absolute ones by row name, and ratios of median wall times within one run.
TARGETS = {
    "<ctdiff/ctdiff.hpp>": "≤ 1.0 s",
    "flagship": "≤ 5 s",
    "Michaelis–Menten, ctdiff": "≤ Ceres's, ≤ 350 MB",
    "fit, 3 parameters": "≤ 3 s",
    "2→64→1 gradient": "≤ 10 s, ≤ 500 MB",
    "batched fit 784→128→10": "≤ 4 s",
}
RATIOS = [
    ("<ctdiff/ctdiff.hpp>", "<iostream>", "≤ 1.5"),
    ("<ctdiff/least_squares.hpp>", "<Eigen/Dense>", "≤ 1"),
    ("Michaelis–Menten, ctdiff", "Michaelis–Menten, Ceres", "≤ 1"),
    ("three gradients, ctdiff", "three gradients, Ceres Jet", "≤ 1"),
    ("three gradients, ctdiff", "three gradients, Eigen AutoDiff", "≤ 1"),
    ("2→64→1 gradient", "2→16→1 gradient", "≤ 4"),
    ("polynomial gradient, family of 32", "polynomial gradient, 32 symbols by hand", "about 1"),
    ("polynomial gradient, family of 128", "polynomial gradient, 128 symbols by hand", "about 1"),
    ("polynomial gradient, family of 128", "polynomial gradient, family of 32", "≤ 4 (linear)"),
]


def includes_mpi(header, seen=None):
    """Whether a ctdiff header includes Boost.MPI, itself or through the ctdiff headers it includes."""
    seen = set() if seen is None else seen
    seen.add(header)
    with open(header, encoding="utf-8") as file:
        included = re.findall(r"^\s*#\s*include\s*<([^>]+)>", file.read(), re.MULTILINE)
    if any(name.startswith("boost/mpi") for name in included):
        return True
    paths = (os.path.join(INCLUDE, name) for name in included if name.startswith("ctdiff/"))
    return any(includes_mpi(path, seen) for path in paths if path not in seen and os.path.exists(path))


def suite_rows(arguments, directory):
    """(name, source path, compiler arguments besides flags) for each row of the suite."""
    common = ["-I", INCLUDE, "-I", arguments.eigen]
    rows = []

    def add_source(name, text, extra=()):
        path = os.path.join(directory, re.sub(r"\W+", "_", name).strip("_") + ".cpp")
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        rows.append((name, path, [*common, *extra]))

    # Boost.MPI's headers need the MPI library's, which only the wrapper knows; without it those rows are left out.
    mpi = subprocess.run(["mpicxx", "--showme:compile"], capture_output=True, text=True) if shutil.which(
        "mpicxx") else None
    for header in sorted(glob.glob(os.path.join(INCLUDE, "ctdiff", "**", "*.hpp"), recursive=True)):
        relative = os.path.relpath(header, INCLUDE)
        if "detail" in relative.split(os.sep)[:-1]:
            continue
        extra = []
        if includes_mpi(header):
            if not mpi or mpi.returncode != 0:
                continue
            extra = mpi.stdout.split()
        add_source(f"<{relative}>", f"#include <{relative}>\nint main() {{}}\n", extra)
    peers = ["iostream", "Eigen/Dense", "boost/hana.hpp"]
    ceres = os.path.isdir("/usr/include/ceres")
    if ceres:
        peers.append("ceres/jet.h")
    for peer in peers:
        add_source(f"<{peer}>", f"#include <{peer}>\nint main() {{}}\n")
    # As examples/CMakeLists.txt builds it where Eigen is found.
    examples = os.path.join(ROOT, "examples")
    # Linked with ctdiff::precompiled (as the examples are): the solvers come
    # compiled, as Ceres's come in libceres; the header-only row beside it.
    precompiled = [*common, "-DCTDIFF_PRECOMPILED"]
    rows.append(("flagship", os.path.join(examples, "flagship.cpp"),
                 [*precompiled, "-I", examples, "-DCTDIFF_HAVE_LEAST_SQUARES",
                  f'-DCTDIFF_DATA_DIR="{os.path.join(examples, "data")}"']))
    programs = os.path.join(ROOT, "bench", "compile_time")
    rows.append(("Michaelis–Menten, ctdiff", os.path.join(programs, "michaelis_menten.cpp"), precompiled))
    rows.append(("Michaelis–Menten, ctdiff header-only", os.path.join(programs, "michaelis_menten.cpp"), common))
    if ceres:
        rows.append(("Michaelis–Menten, Ceres", os.path.join(programs, "michaelis_menten_ceres.cpp"), common))
    rows.append(("fit, 3 parameters", os.path.join(programs, "fit_three_parameters.cpp"), common))
    rows.append(("fit_newton, 3 parameters", os.path.join(programs, "fit_newton_three_parameters.cpp"), precompiled))
    # The gradients of three models in one translation unit per library, as
    # issue 18 compares them: at -O3 -march=native, whatever --flags says.
    native = [*common, "-O3", "-march=native"]
    rows.append(("three gradients, ctdiff", os.path.join(programs, "three_gradients_ctdiff.cpp"), native))
    if ceres:
        rows.append(("three gradients, Ceres Jet", os.path.join(programs, "three_gradients_dual.cpp"),
                     [*native, "-DDUAL_CERES"]))
    rows.append(("three gradients, Eigen AutoDiff", os.path.join(programs, "three_gradients_dual.cpp"), native))
    for hidden in arguments.hidden or [16, 32, 64]:
        add_source(f"2→{hidden}→1 gradient", network_source(hidden))
    rows.append(("batched fit 784→128→10", os.path.join(programs, "batch_fit_784_128_10.cpp"), common))
    for count in (8, 32, 128):
        add_source(f"polynomial gradient, family of {count}", polynomial_source(count, family=True))
        add_source(f"polynomial gradient, {count} symbols by hand", polynomial_source(count, family=False))
    if arguments.only:
        rows = [row for row in rows if re.search(arguments.only, row[0])]
    return rows


def machine_line(arguments, flags):
    version = subprocess.run([arguments.compiler, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    with open("/proc/cpuinfo", encoding="utf-8") as file:
        cpu = re.search(r"^model name\s*:\s*(.*)$", file.read(), re.MULTILINE)
    commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty= with uncommitted changes"],
                            capture_output=True, text=True).stdout.strip()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"{version}, `-std=c++20 {' '.join(flags)} -c`, median of {arguments.runs} "
            f"run{'s' if arguments.runs > 1 else ''} in interleaved rounds, one compile at a time; "
            f"{len(os.sched_getaffinity(0))} cores (nproc), {cpu.group(1) if cpu else 'unknown CPU'}, "
            f"load average {os.getloadavg()[0]:.1f} at the start; {date}; ctdiff {commit or 'unknown commit'}")


def markdown(name):
    """A row name for a Markdown table: a header name in backticks (a viewer would take <iostream> for HTML)."""
    return f"`{name}`" if name.startswith("<") else name.replace("|", "\\|")


def run_suite(arguments):
    flags = arguments.flags.split()
    directory = arguments.keep or tempfile.mkdtemp(prefix="ctdiff-compile-time-")
    os.makedirs(directory, exist_ok=True)
    header = machine_line(arguments, flags)
    rows = suite_rows(arguments, directory)
    samples = {name: [] for name, _, _ in rows}
    errors = {}
    for round_index in range(arguments.runs):
        for name, path, extra in rows:
            if name in errors:
                continue
            wall, cpu, megabytes, error = run_compiler(
                [arguments.compiler, "-std=c++20", *flags, *extra, "-c", path, "-o", os.devnull])
            if error:
                errors[name] = error
            else:
                samples[name].append((wall, cpu, megabytes))
            print(f"round {round_index + 1}/{arguments.runs}: {name}: "
                  f"{error or f'{wall:.2f} s, {megabytes:.0f} MB'}", file=sys.stderr, flush=True)
    medians = {name: tuple(statistics.median(column) for column in zip(*runs)) for name, runs in samples.items()
               if runs}
    lines = [header, "", "| row | wall time | CPU time (user + system) | peak memory | wall range | issue 18 target |",
             "|---|---:|---:|---:|---:|---|"]
    for name, _, _ in rows:
        if name in errors:
            lines.append(f"| {markdown(name)} | failed: {errors[name].replace('|', '/')} | | | | |")
            continue
        wall, cpu, megabytes = medians[name]
        walls = [run[0] for run in samples[name]]
        spread = f"{min(walls):.2f}–{max(walls):.2f} s" if len(walls) > 1 else ""
        lines.append(f"| {markdown(name)} | {wall:.2f} s | {cpu:.2f} s | {megabytes:.0f} MB | {spread} | "
                     f"{TARGETS.get(name, '')} |")
    ratios = [(numerator, denominator, target) for numerator, denominator, target in RATIOS
              if numerator in medians and denominator in medians]
    if ratios:
        lines += ["", "| ratio of medians | wall time | CPU time | issue 18 target |", "|---|---:|---:|---|"]
        for numerator, denominator, target in ratios:
            wall, cpu = (medians[numerator][i] / medians[denominator][i] for i in (0, 1))
            lines.append(f"| {markdown(numerator)} / {markdown(denominator)} | {wall:.2f} | {cpu:.2f} | {target} |")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if arguments.output:
        with open(arguments.output, "w", encoding="utf-8") as file:
            file.write(text)
    if not arguments.keep:
        shutil.rmtree(directory)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("hidden", nargs="*", type=int,
                        help="the values of H (default 2 4 8 16 32; with --suite, 16 32 64)")
    parser.add_argument("--compiler", default="g++")
    parser.add_argument("--keep", help="write the generated sources into this directory")
    parser.add_argument("--dense", action="append", default=[], help="an I×H×O (or IxHxO) network, e.g. 4x8x4")
    parser.add_argument("--dense-flags", default="-O3 -march=x86-64-v3", help="flags for the --dense networks")
    parser.add_argument("--include", help="the ctdiff headers to measure (default: this checkout's)")
    parser.add_argument("--suite", action="store_true", help="issue 18's rows (headers, peers, programs)")
    parser.add_argument("--flags", default="-O2",
                        help="the suite's flags besides -std=c++20, e.g. --flags='-O3 -march=native'")
    parser.add_argument("--runs", type=int, default=3, help="the suite's runs of each row (their median is shown)")
    parser.add_argument("--only", help="the suite's rows whose name matches this regular expression")
    parser.add_argument("--eigen", default="/usr/include/eigen3", help="Eigen's include directory, for the suite")
    parser.add_argument("--output", help="also write the suite's table to this file")
    arguments = parser.parse_args()
    global INCLUDE
    INCLUDE = arguments.include or INCLUDE
    if arguments.suite:
        run_suite(arguments)
        return
    arguments.hidden = arguments.hidden or [2, 4, 8, 16, 32]
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

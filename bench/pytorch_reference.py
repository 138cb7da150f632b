#!/usr/bin/env python3
"""PyTorch's time for the networks of bench/mlp_benchmarks.cpp and the digits rows.

The gradient of the mean cross-entropy of a sigmoid hidden layer and a softmax
output over one batch, on one thread (torch.set_num_threads(1); run it with
OPENBLAS_NUM_THREADS=1 as bench/run.sh does), the median of 5 repetitions of
timed loops, in CPU time (as Google Benchmark's CPU column) and wall time. Prints which BLAS the process loaded (the system's libblas.so.3
alternative: Debian's PyTorch is built with BLAS_INFO=generic) and one
Markdown row per network. Needs python3-torch (Debian).
"""
import os
import statistics
import time

import torch

NETWORKS = [  # name, inputs, hidden, classes, samples, dtype
    ("mlp_784_128_10", 784, 128, 10, 128, torch.float64),
    ("mlp_784_128_10_float", 784, 128, 10, 128, torch.float32),
    ("digits_net (64→32→10, 100 samples)", 64, 32, 10, 100, torch.float64),
    ("digits_net_one_sample (64→32→10)", 64, 32, 10, 1, torch.float64),
]


def loaded_blas():
    """The BLAS and LAPACK libraries mapped into this process."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line or "lapack" in line}
    return ", ".join(sorted(os.path.realpath(path) for path in paths)) or "none found"


def gradient_seconds(inputs, hidden, classes, samples, dtype):
    generator = torch.Generator().manual_seed(10)
    images = torch.rand(samples, inputs, dtype=dtype, generator=generator)
    labels = torch.randint(0, classes, (samples,), generator=generator)
    first = torch.nn.Linear(inputs, hidden).to(dtype)
    second = torch.nn.Linear(hidden, classes).to(dtype)
    parameters = list(first.parameters()) + list(second.parameters())

    def step():
        for p in parameters:
            p.grad = None
        loss = torch.nn.functional.cross_entropy(second(torch.sigmoid(first(images))), labels)
        loss.backward()

    calls = 1
    while True:  # enough calls for at least 0.2 s a repetition
        start = time.perf_counter()
        for _ in range(calls):
            step()
        if time.perf_counter() - start > 0.2:
            break
        calls *= 2
    cpu, wall = [], []
    for _ in range(5):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        for _ in range(calls):
            step()
        cpu.append((time.process_time() - cpu_start) / calls)
        wall.append((time.perf_counter() - wall_start) / calls)
    return statistics.median(cpu), statistics.median(wall)


def readable(seconds):
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds * 1e6:.3g} µs"


def main():
    torch.set_num_threads(1)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    first = NETWORKS[0]
    gradient_seconds(*first[1:])  # loads the BLAS before it is named
    print(f"BLAS loaded: {loaded_blas()}")
    print("\n| network | PyTorch, one thread: CPU time (wall time), median of 5 |\n|---|---:|")
    for name, *shape in NETWORKS:
        cpu, wall = gradient_seconds(*shape)
        print(f"| {name} | {readable(cpu)} ({readable(wall)}) |")


if __name__ == "__main__":
    main()

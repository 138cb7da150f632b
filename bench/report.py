#!/usr/bin/env python3
"""Turns the benchmark's JSON output into a Markdown ratio table and an SVG bar chart.

The ratios are the x_hand counters that the benchmark binary computes itself
(each row's CPU time over the median of its model's hand-written row); with
--benchmark_repetitions the medians of the repetitions are used. Standard
library only: the SVG is written by hand.
"""
import argparse
import json
import math
from collections import OrderedDict

MODELS = OrderedDict(
    [
        ("quadratic_fit", "quadratic fit, 1000 samples (3 parameters)"),
        ("sigmoid_net", "2→4→1 sigmoid network, 1000 samples (17 parameters)"),
        ("relu_neuron", "ReLU neuron, one sample (4 parameters)"),
        ("digits_net", "64→32→10 digits network, 100 samples (2410 parameters)"),
        ("digits_net_one_sample", "64→32→10 digits network, one sample (2410 parameters)"),
        ("dense_2_3_2", "2→3→2 network, every hidden unit feeding every output, 64 samples (17 parameters)"),
        ("dense_2_3_4", "2→3→4 network, 64 samples (25 parameters)"),
        ("dense_4_8_4", "4→8→4 network, 64 samples (76 parameters)"),
        ("spring_particle", "spring energy with a named r = let<\"r\">(√(dx² + dy² + 0.01)), 64 anchors (4 parameters)"),
    ]
)
ROWS = OrderedDict(
    [
        ("loss", "loss alone"),
        ("hand_written", "hand-written gradient"),
        ("ctdiff", "ctdiff gradient"),
        ("finite_differences", "central finite differences"),
        ("boost_autodiff", "Boost.Math autodiff (one pass per parameter)"),
        ("eigen_autodiffscalar", "Eigen AutoDiffScalar"),
        ("ceres_jet", "Ceres Jet"),
        ("sacado_cachefad", "Sacado CacheFad::SFad"),
    ]
)
COLOURS = {"loss": "#9e9e9e", "hand_written": "#1f77b4", "ctdiff": "#d62728"}
OTHER_COLOUR = "#8c8c8c"


def load_rows(path):
    """{(model, row): {"ratio", "time", "unit"} or {"error"}}, from medians where there are repetitions."""
    with open(path, encoding="utf-8") as file:
        report = json.load(file)
    rows = {}
    for entry in report["benchmarks"]:
        model, _, row = entry["run_name"].partition("/")
        if entry.get("error_occurred"):
            rows[(model, row)] = {"error": entry.get("error_message", "error")}
            continue
        is_median = entry.get("aggregate_name") == "median"
        if entry.get("run_type") == "aggregate" and not is_median:
            continue
        if (model, row) in rows and not is_median:
            continue  # a single run never replaces a median
        rows[(model, row)] = {"ratio": entry.get("x_hand"), "time": entry["cpu_time"], "unit": entry["time_unit"]}
    return report["context"], rows


def readable_time(time, unit):
    nanoseconds = time * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]
    for limit, scale, name in ((1e3, 1, "ns"), (1e6, 1e3, "µs"), (1e9, 1e6, "ms")):
        if nanoseconds < limit:
            return f"{nanoseconds / scale:.3g} {name}"
    return f"{nanoseconds / 1e9:.3g} s"


def cell(result):
    if result is None:
        return "—"
    if "error" in result:
        return "skipped: " + result["error"]
    ratio = "" if result["ratio"] is None else f"**{result['ratio']:.2f}×** "
    return f"{ratio}({readable_time(result['time'], result['unit'])})"


def markdown(context, rows):
    models = [m for m in MODELS if any(model == m for model, _ in rows)]
    lines = [
        "| | " + " | ".join(MODELS[m] for m in models) + " |",
        "|---|" + "---:|" * len(models),
    ]
    for row, label in ROWS.items():
        if any((m, row) in rows for m in models):
            lines.append(f"| {label} | " + " | ".join(cell(rows.get((m, row))) for m in models) + " |")
    lines.append("")
    lines.append(
        "Ratio to the hand-written gradient (median CPU time of 5 repetitions), time per gradient in parentheses."
    )
    if any((m, row) not in rows for m in models for row in ROWS if any((n, row) in rows for n in models)):
        lines.append("—: not run for that model (the dual-number rows carry every derivative: up to 64 parameters).")
    over_loss = []
    for m in models:
        gradient, loss = rows.get((m, "ctdiff")), rows.get((m, "loss"))
        if gradient and loss and gradient.get("time") and loss.get("time"):
            over_loss.append(f"{m} {gradient['time'] / loss['time']:.2f}×")
    if over_loss:
        lines.append("ctdiff gradient over the loss alone: " + ", ".join(over_loss) + ".")
    machine = ", ".join(
        str(part)
        for part in (
            context.get("cpu"),
            f"{context.get('num_cpus')} CPUs at {context.get('mhz_per_cpu')} MHz",
            context.get("compiler"),
            context.get("date"),
        )
        if part
    )
    lines.append(f"Machine: {machine}.")
    return "\n".join(lines) + "\n"


def svg_chart(rows):
    """Horizontal bars on a log scale, one group per model."""
    width, label_width, right_margin, bar, gap, group_gap = 900, 330, 70, 16, 4, 34
    plot_width = width - label_width - right_margin
    ratios = [r["ratio"] for r in rows.values() if r.get("ratio")]
    low = 0.5 if min(ratios) >= 0.5 else 10 ** math.floor(math.log10(min(ratios)))
    high = 10 ** math.ceil(math.log10(max(ratios + [2.0])))

    def x(ratio):
        return label_width + plot_width * (math.log10(ratio) - math.log10(low)) / (math.log10(high) - math.log10(low))

    body, y = [], 40
    for model, title in MODELS.items():
        present = [(row, label) for row, label in ROWS.items() if rows.get((model, row), {}).get("ratio")]
        if not present:
            continue
        body.append(f'<text x="10" y="{y + 12}" font-weight="bold">{escape(title)}</text>')
        y += 20
        for row, label in present:
            ratio = rows[(model, row)]["ratio"]
            colour = COLOURS.get(row, OTHER_COLOUR)
            body.append(f'<text x="{label_width - 8}" y="{y + bar - 4}" text-anchor="end">{escape(label)}</text>')
            body.append(
                f'<rect x="{label_width}" y="{y}" width="{x(ratio) - label_width:.1f}" height="{bar}" fill="{colour}"/>'
            )
            body.append(f'<text x="{x(ratio) + 4:.1f}" y="{y + bar - 4}">{ratio:.2f}×</text>')
            y += bar + gap
        y += group_gap
    axis = []
    decade = 10 ** math.floor(math.log10(low))
    while decade <= high * 1.0001:
        for multiple in (1, 2, 5):
            tick = decade * multiple
            if not low * 0.9999 <= tick <= high * 1.0001:
                continue
            axis.append(f'<line x1="{x(tick):.1f}" y1="30" x2="{x(tick):.1f}" y2="{y - group_gap}" stroke="#e0e0e0"/>')
            axis.append(f'<text x="{x(tick):.1f}" y="{y - group_gap + 14}" text-anchor="middle">{tick:g}×</text>')
        decade *= 10
    axis.append(f'<line x1="{x(1):.1f}" y1="30" x2="{x(1):.1f}" y2="{y - group_gap}" stroke="#1f77b4"/>')
    height = y - group_gap + 24
    title = "Gradient time over the hand-written gradient (log scale, lower is better)"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12">\n'
        f'<rect width="{width}" height="{height}" fill="white"/>\n'
        f'<text x="10" y="18" font-size="14" font-weight="bold">{title}</text>\n'
        + "\n".join(axis + body)
        + "\n</svg>\n"
    )


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("json", help="the benchmark's --benchmark_out file")
    parser.add_argument("--markdown", help="write the table here (default: print it)")
    parser.add_argument("--svg", help="write the chart here")
    arguments = parser.parse_args()
    context, rows = load_rows(arguments.json)
    table = markdown(context, rows)
    if arguments.markdown:
        with open(arguments.markdown, "w", encoding="utf-8") as file:
            file.write(table)
    else:
        print(table, end="")
    if arguments.svg:
        with open(arguments.svg, "w", encoding="utf-8") as file:
            file.write(svg_chart(rows))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Where one translation unit's compile time goes, from clang++ -ftime-trace.

Compiles SOURCE with clang++ -std=c++20 --flags -ftime-trace (with -I include
and Eigen's include directory; compiler arguments after `--` are added, e.g.
`-- -I examples -DCTDIFF_HAVE_LEAST_SQUARES`), or reads a trace already made
(--trace), and prints in Markdown: the front end and back end totals, clang's
own totals of the main kinds of work, the top headers by the time spent in
them (inclusive of what they include, and their own), the top templates by
the time spent instantiating them (their arguments stripped, so every
instantiation of a template adds up; inclusive of what each instantiation
instantiates in turn, an instantiation inside another of the same template
counted once), and the top single instantiations. The trace's times are wall
times: a loaded machine stretches them all. Events shorter than
--granularity are not in the trace, so counts and self times are
approximate. Standard library only.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# clang's totals ("Total <name>" events) worth a line: the front end's kinds of work, then the back end's.
CATEGORIES = ["Source", "ParseClass", "ParseTemplate", "InstantiateClass", "InstantiateFunction",
              "PerformPendingInstantiations", "CodeGen Function", "Optimizer", "CodeGenPasses"]
# An operator's name, whose < or > are not template brackets.
OPERATOR = re.compile(r"operator\s*(<=>|<<=|>>=|<<|>>|<=|>=|->\*|->|<|>|\(\)|\[\])?")


def strip_template_arguments(name):
    """ns::f<A, B<C>>::g<D> → ns::f::g: every instantiation of one template gets one key."""
    out, depth, parentheses, i = [], 0, 0, 0
    while i < len(name):
        character = name[i]
        if depth == 0:
            operator = OPERATOR.match(name, i)
            if operator and (i == 0 or not (name[i - 1].isalnum() or name[i - 1] == "_")):
                out.append(operator.group(0))
                i = operator.end()
                continue
            if character == "<":
                depth = 1
            else:
                out.append(character)
        elif character == "(":
            parentheses += 1
        elif character == ")":
            parentheses -= 1
        elif parentheses == 0 and character == "<":  # a < or > inside parentheses is a comparison
            depth += 1
        elif parentheses == 0 and character == ">":
            depth -= 1
        i += 1
    return "".join(out)


def summarise(events, key_of):
    """{key: [inclusive µs, self µs, count]} over the events that key_of gives a key. Self time is an event's
    duration less that of the keyed events directly inside it (a header's less its includes', an
    instantiation's less the instantiations it triggers); an event inside another of the same key adds to the
    count and the self time but not again to the inclusive time."""
    timeline = sorted((e for e in events if e.get("ph") == "X" and not e["name"].startswith("Total")),
                      key=lambda e: (e["ts"], -e["dur"]))
    table = {}
    stack = []  # the enclosing keyed events: [event, key, the keyed events' duration directly inside it]
    for event in timeline:
        key = key_of(event)
        if key is None:
            continue
        while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= event["ts"]:
            outer, outer_key, inside = stack.pop()
            table[outer_key][1] += outer["dur"] - inside
        row = table.setdefault(key, [0, 0, 0])
        row[2] += 1
        if not any(outer_key == key for _, outer_key, _ in stack):
            row[0] += event["dur"]
        if stack:
            stack[-1][2] += event["dur"]
        stack.append([event, key, 0])
    for outer, outer_key, inside in stack:
        table[outer_key][1] += outer["dur"] - inside
    return table


def short_path(path):
    path = os.path.normpath(path)
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def readable(name):
    """ctdiff's fixed_string arguments, which clang prints as character codes ({{86, 109, 97, 120, 0}}), as text."""
    return re.sub(r"\{\{((?:\d+, )*)0\}\}",
                  lambda m: '"' + "".join(chr(int(code)) for code in m.group(1).split(", ")[:-1]) + '"', name)


def cell(text, width):
    text = readable(text)
    text = text if len(text) <= width else text[:width - 1] + "…"
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def seconds(microseconds):
    return f"{microseconds / 1e6:.2f} s"


def ranked(title, table, top, width):
    lines = ["", f"| {title} | inclusive | self | count |", "|---|---:|---:|---:|"]
    for key, (inclusive, own, count) in sorted(table.items(), key=lambda item: -item[1][0])[:top]:
        lines.append(f"| {cell(key, width)} | {seconds(inclusive)} | {seconds(own)} | {count} |")
    return lines


def report(trace, top, width, heading):
    events = trace["traceEvents"]
    totals = {e["name"][len("Total "):]: e for e in events if e["name"].startswith("Total ")}
    phase = {name: sum(e["dur"] for e in events if e["name"] == name and e.get("ph") == "X")
             for name in ("ExecuteCompiler", "Frontend", "Backend")}
    lines = [heading, "",
             f"Total {seconds(phase['ExecuteCompiler'])}: front end {seconds(phase['Frontend'])}, "
             f"back end {seconds(phase['Backend'])}.", "",
             "| clang's total of (overlapping: a template instantiated while parsing a header counts in both) "
             "| time | count |", "|---|---:|---:|"]
    for name in CATEGORIES:
        if name in totals:
            lines.append(f"| {name} | {seconds(totals[name]['dur'])} | {totals[name]['args']['count']} |")
    lines += ranked(f"top {top} headers (Source)",
                    summarise(events, lambda e: short_path(e["args"]["detail"]) if e["name"] == "Source" else None),
                    top, width)
    instantiation = ("InstantiateFunction", "InstantiateClass")
    lines += ranked(f"top {top} templates, arguments stripped (InstantiateFunction, InstantiateClass)",
                    summarise(events, lambda e: strip_template_arguments(e["args"]["detail"])
                              if e["name"] in instantiation else None), top, width)
    single = sorted((e for e in events if e["name"] in instantiation), key=lambda e: -e["dur"])[:top]
    lines += ["", f"| top {top} single instantiations | kind | time |", "|---|---|---:|"]
    for event in single:
        lines.append(f"| {cell(event['args']['detail'], width)} | {event['name'][len('Instantiate'):]} | "
                     f"{seconds(event['dur'])} |")
    return "\n".join(lines) + "\n"


def main():
    # Everything after `--` goes to the compiler untouched.
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", nargs="?", help="the translation unit to compile")
    parser.add_argument("--compiler", default="clang++")
    parser.add_argument("--flags", default="-O2",
                        help="flags besides -std=c++20 and the include directories, e.g. --flags='-O3 -march=native'")
    parser.add_argument("--eigen", default="/usr/include/eigen3", help="Eigen's include directory")
    parser.add_argument("--granularity", type=int, default=100,
                        help="-ftime-trace-granularity: the shortest event recorded, in µs (clang's default 500)")
    parser.add_argument("--trace", help="summarise this -ftime-trace JSON instead of compiling")
    parser.add_argument("--keep-trace", help="copy the trace to this file")
    parser.add_argument("--top", type=int, default=20, help="rows in each ranking")
    parser.add_argument("--width", type=int, default=160, help="characters of a name shown")
    parser.add_argument("--output", help="also write the summary to this file")
    arguments = parser.parse_args(argv)
    if not arguments.trace and not arguments.source:
        parser.error("give a source, or --trace")

    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if arguments.trace:
        trace_path = arguments.trace
        heading = f"`{arguments.trace}`, summarised {date}"
    else:
        load = os.getloadavg()[0]
        # clang 14 writes the trace beside the object file, so both go to a directory of our own.
        directory = tempfile.mkdtemp(prefix="ctdiff-profile-")
        command = [arguments.compiler, "-std=c++20", *arguments.flags.split(), "-I", os.path.join(ROOT, "include"),
                   "-I", arguments.eigen, *extra, "-ftime-trace",
                   f"-ftime-trace-granularity={arguments.granularity}", "-c", arguments.source, "-o",
                   os.path.join(directory, "unit.o")]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            shutil.rmtree(directory)
            sys.exit(result.stderr)
        trace_path = os.path.join(directory, "unit.json")
        version = subprocess.run([arguments.compiler, "--version"], capture_output=True,
                                 text=True).stdout.splitlines()[0]
        heading = (f"`{short_path(os.path.abspath(arguments.source))}`: {version}, "
                   f"`{' '.join(['-std=c++20', arguments.flags, *extra])}`, -ftime-trace-granularity="
                   f"{arguments.granularity} µs; load average {load:.1f} at the start; {date}")
    with open(trace_path, encoding="utf-8") as file:
        trace = json.load(file)
    if arguments.keep_trace:
        shutil.copyfile(trace_path, arguments.keep_trace)
    if not arguments.trace:
        shutil.rmtree(os.path.dirname(trace_path))
    text = report(trace, arguments.top, arguments.width, heading)
    print(text, end="")
    if arguments.output:
        with open(arguments.output, "w", encoding="utf-8") as file:
            file.write(text)


if __name__ == "__main__":
    main()

// Input and output: formulas as text, LaTeX and DOT, and CSV files. This header only includes the parts.
#pragma once

#include <ctdiff/io/csv.hpp>
#include <ctdiff/io/print.hpp>

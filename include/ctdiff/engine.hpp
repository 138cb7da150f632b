// The engine: an expression's schedule laid out at compile time, eval (the
// forward pass), gradient and hessian (the reverse sweep), and the check
// against central differences. This header only includes the parts.
#pragma once

#include <ctdiff/core.hpp>
#include <ctdiff/engine/check.hpp>
#include <ctdiff/engine/evaluate.hpp>
#include <ctdiff/engine/gradient.hpp>
#include <ctdiff/engine/schedule.hpp>

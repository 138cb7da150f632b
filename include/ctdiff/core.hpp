// The symbolic core: symbols, expression nodes and their simplification,
// the functions, d(), and bindings (at). This header only includes the parts.
#pragma once

#include <ctdiff/core/arithmetic.hpp>
#include <ctdiff/core/bindings.hpp>
#include <ctdiff/core/conditions.hpp>
#include <ctdiff/core/derivative.hpp>
#include <ctdiff/core/expression.hpp>
#include <ctdiff/core/families.hpp>
#include <ctdiff/core/fixed_string.hpp>
#include <ctdiff/core/functions.hpp>
#include <ctdiff/core/simplify.hpp>
#include <ctdiff/core/user_functions.hpp>

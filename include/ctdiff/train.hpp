// Training: params, data, fit, predict, minimize.
#pragma once

#include <ctdiff/fit/fit.hpp>

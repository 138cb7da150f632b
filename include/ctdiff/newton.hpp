// Newton's method with a trust region: needs Eigen 3.4, link ctdiff::newton.
#pragma once

#include <ctdiff/fit/newton.hpp>

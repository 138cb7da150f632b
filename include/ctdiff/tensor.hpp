// Tensors: vector and matrix symbols with compile-time shapes, operations on
// whole tensors, and their gradient by a reverse sweep at the tensor level.
// This header only includes the parts.
#pragma once

#include <ctdiff/tensor/gradient.hpp>
#include <ctdiff/tensor/helpers.hpp>
#include <ctdiff/tensor/models.hpp>
#include <ctdiff/tensor/nodes.hpp>
#include <ctdiff/tensor/operations.hpp>
#include <ctdiff/tensor/print.hpp>
#include <ctdiff/tensor/training.hpp>

// The benchmark models, each with its data, its loss written once for
// any scalar type (double for the loss and finite differences, the dual
// numbers of the other libraries for theirs), a hand-written gradient and the
// ctdiff gradient: one header each under models/.
#pragma once

#include "models/dense_network.hpp"
#include "models/digits_network.hpp"
#include "models/exp_decay.hpp"
#include "models/polynomial_family.hpp"
#include "models/quadratic_fit.hpp"
#include "models/relu_neuron.hpp"
#include "models/sigmoid_network.hpp"
#include "models/spring_particle.hpp"

// A batch allocates nothing once its workspace is made: batches of every size
// up to the largest, the gradient and the loss.
#include <catch2/catch.hpp>
#include <vector>

#include "allocation_counter.hpp"
#include "batch_model.hpp"
#include "close_to.hpp"

using allocation_counter::allocations;
using namespace batch_model;
using ctdiff_test::close_to;

TEST_CASE("a batch gradient with a batch workspace allocates nothing") {
  const problem p(40);
  auto workspace = ctdiff::make_batch_workspace<double>(loss, data, 40);
  std::vector<double> gradient(p.flat.size());
  const auto g = ctdiff::gradient(loss, parameters);
  const auto whole = p.batch(0, 40), mini = p.batch(0, 32), last = p.batch(32, 8);

  const std::size_t before = allocations;
  const double sum = ctdiff::add_gradient(g, whole, workspace, std::span<double>(gradient));
  ctdiff::add_gradient(g, mini, workspace, std::span<double>(gradient), 1.0 / 32);
  ctdiff::add_gradient(g, last, workspace, std::span<double>(gradient), 1.0 / 8);
  const double value = ctdiff::eval(loss, whole, workspace);
  REQUIRE(allocations == before);
  REQUIRE(value == close_to(sum, 1e-14));
}

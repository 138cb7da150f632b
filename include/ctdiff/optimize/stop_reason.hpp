// Why an optimizer stopped: one vocabulary for every optimizer, first-order,
// L-BFGS, Newton and least squares, each meaning said once where they agree.
#pragma once

namespace ctdiff {

enum class stop_reason {
  max_epochs,           // ran options.max_epochs epochs (least squares: max_iterations steps)
  loss_tolerance,       // mean loss <= options.loss_tolerance
  gradient_tolerance,   // the gradient is within tolerance of 0 (least squares: every Jacobian column is within
                        // gradient_tolerance of orthogonal to the residuals)
  non_finite_loss,      // the loss (least squares: a residual or a Jacobian entry) became NaN or infinite; the
                        // parameters are the last finite ones
  no_further_decrease,  // no step lowers the loss at working precision (Newton's trust region or least squares'
                        // shrank to rounding: a minimum, to rounding, or tolerances too small)
  line_search_failed,   // L-BFGS found no step satisfying the strong Wolfe conditions (at a minimum, to rounding)
  function_tolerance,   // least squares: the actual and predicted relative reductions of the cost are <= tolerance
  parameter_tolerance,  // least squares: the relative (scaled) step is <= parameter_tolerance
  singular_jacobian,    // least squares by Gauss–Newton met a rank-deficient Jacobian
  // The names least squares gave the same stops before the vocabularies were one.
  max_iterations = max_epochs,
  non_finite_residual = non_finite_loss,
  no_further_progress = no_further_decrease,
};

constexpr const char* to_string(stop_reason reason) {
  switch (reason) {
    case stop_reason::max_epochs:
      return "reached the maximum epoch count";
    case stop_reason::loss_tolerance:
      return "loss below tolerance";
    case stop_reason::gradient_tolerance:
      return "gradient norm below tolerance";
    case stop_reason::non_finite_loss:
      return "loss became non-finite";
    case stop_reason::no_further_decrease:
      return "no step lowers the loss";
    case stop_reason::line_search_failed:
      return "line search found no step";
    case stop_reason::function_tolerance:
      return "relative cost reduction below tolerance";
    case stop_reason::parameter_tolerance:
      return "relative step below tolerance";
    case stop_reason::singular_jacobian:
      return "Jacobian is rank-deficient";
  }
  return "unknown stop reason";
}

}  // namespace ctdiff

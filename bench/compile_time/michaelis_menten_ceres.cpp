// michaelis_menten.cpp's fit written with Ceres: one AutoDiffCostFunction per
// sample, Levenberg–Marquardt, then ceres::Covariance for (JᵀJ)⁻¹, scaled by
// s² = 2·cost/(n − p) as nls and least_squares do (Ceres leaves it unscaled).
#include <ceres/ceres.h>

#include <cmath>
#include <cstdio>

struct residual {
  double S, rate;
  template <class T>
  bool operator()(const T* Vmax, const T* Km, T* r) const {
    r[0] = rate - Vmax[0] * S / (Km[0] + S);
    return true;
  }
};

int main() {
  const double conc[] = {0.02, 0.02, 0.06, 0.06, 0.11, 0.11, 0.22, 0.22, 0.56, 0.56, 1.10, 1.10};
  const double rates[] = {76, 47, 97, 107, 123, 139, 159, 152, 191, 201, 207, 200};
  double Vmax = 200.0, Km = 0.1;
  ceres::Problem problem;
  for (int i = 0; i != 12; ++i)
    problem.AddResidualBlock(new ceres::AutoDiffCostFunction<residual, 1, 1, 1>(new residual{conc[i], rates[i]}),
                             nullptr, &Vmax, &Km);
  ceres::Solver::Options options;
  options.function_tolerance = options.parameter_tolerance = options.gradient_tolerance = 1e-15;
  ceres::Solver::Summary summary;
  ceres::Solve(options, &problem, &summary);
  ceres::Covariance covariance{ceres::Covariance::Options()};
  covariance.Compute({{&Vmax, &Vmax}, {&Km, &Km}}, &problem);
  double var_Vmax, var_Km;
  covariance.GetCovarianceBlock(&Vmax, &Vmax, &var_Vmax);
  covariance.GetCovarianceBlock(&Km, &Km, &var_Km);
  const double s2 = 2 * summary.final_cost / (12 - 2);
  std::printf("Vmax %.6g ± %.6g\nKm   %.6g ± %.6g\n", Vmax, std::sqrt(s2 * var_Vmax), Km, std::sqrt(s2 * var_Km));
}

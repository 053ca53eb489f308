// Weighted EOFs, projections and regressions on fields with known structure.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>

#include <Eigen/Dense>

#include "ref/science/eof.hpp"

using namespace ref::science;

namespace {

struct Synthetic {
    std::size_t times = 240, cells = 60;
    std::vector<double> pattern, pc, noise_pattern, noise_pc, data, weights;
};

// pattern(x) * pc(t) + 0.1 * second(x) * q(t): second orthogonal to pattern under the weights,
// q uncorrelated with pc, so EOF1 is the pattern exactly.
Synthetic make_synthetic() {
    Synthetic s;
    for (std::size_t c = 0; c < s.cells; ++c) {
        const double x = (static_cast<double>(c) + 0.5) / static_cast<double>(s.cells);
        s.weights.push_back(1.0);
        s.pattern.push_back(std::sin(std::numbers::pi * x) + 0.2);
        s.noise_pattern.push_back(std::cos(2 * std::numbers::pi * x));
    }
    // Make the noise pattern orthogonal to the pattern.
    double pp = 0, pn = 0;
    for (std::size_t c = 0; c < s.cells; ++c) pp += s.pattern[c] * s.pattern[c], pn += s.pattern[c] * s.noise_pattern[c];
    for (std::size_t c = 0; c < s.cells; ++c) s.noise_pattern[c] -= pn / pp * s.pattern[c];
    for (std::size_t t = 0; t < s.times; ++t) {
        const double tt = static_cast<double>(t);
        s.pc.push_back(std::sin(2 * std::numbers::pi * tt / 24.0));
        s.noise_pc.push_back(std::sin(2 * std::numbers::pi * tt / 8.0));  // orthogonal over whole periods
    }
    for (std::size_t t = 0; t < s.times; ++t)
        for (std::size_t c = 0; c < s.cells; ++c)
            s.data.push_back(s.pattern[c] * s.pc[t] + 0.1 * s.noise_pattern[c] * s.noise_pc[t] + 5.0);
    return s;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

}  // namespace

TEST_CASE("EOF1 of pattern x pc plus small orthogonal noise is the pattern, with its variance fraction") {
    const Synthetic s = make_synthetic();
    EofAnalysis eof = compute_eofs(s.data, s.times, s.weights, 2);
    REQUIRE(eof.count() == 2);
    // Variances: var(pc) = 1/2 (ddof 1 over whole periods: N/(2(N-1))), scaled by |pattern|^2.
    const double n = static_cast<double>(s.times);
    const double var_pc = n / 2.0 / (n - 1.0);
    const double lambda1 = dot(s.pattern, s.pattern) * var_pc;
    const double lambda2 = 0.01 * dot(s.noise_pattern, s.noise_pattern) * var_pc;
    CHECK(eof.eigenvalues[0] == Approx(lambda1).epsilon(1e-9));
    CHECK(eof.eigenvalues[1] == Approx(lambda2).epsilon(1e-9));
    CHECK(eof.variance_fractions[0] == Approx(lambda1 / (lambda1 + lambda2)).epsilon(1e-9));

    // The sign of an EOF is arbitrary: fix it so the pattern's first cell is positive.
    if (eof.covariance_maps[0][0] < 0) eof.flip(0);
    // Covariance map = pattern * std(pc) for a unit-variance PC.
    for (std::size_t c = 0; c < s.cells; ++c)
        CHECK(eof.covariance_maps[0][c] == Approx(s.pattern[c] * std::sqrt(var_pc)).epsilon(1e-9));
    const double norm = std::sqrt(dot(s.pattern, s.pattern));
    for (std::size_t c = 0; c < s.cells; ++c) CHECK(eof.eigenvectors[0][c] == Approx(s.pattern[c] / norm).epsilon(1e-9));
    for (std::size_t t = 0; t < s.times; t += 7) CHECK(eof.pcs[0][t] == Approx(s.pc[t] * norm).margin(1e-9));
    CHECK(sample_std(eof.pcs[0]) == Approx(std::sqrt(lambda1)).epsilon(1e-9));

    // Projecting the same (centred or not: the mean is orthogonal to nothing here, so centre) data gives back the PC.
    std::vector<double> centred = s.data;
    for (auto& v : centred) v -= 5.0;
    const auto projected = project_onto_eof(eof, 0, centred, s.times);
    for (std::size_t t = 0; t < s.times; t += 5) CHECK(projected[t] == Approx(eof.pcs[0][t]).margin(1e-9));
    CHECK(temporal_correlation(projected, s.pc) == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("weights and missing cells: left-out cells are NaN in the patterns and ignored in projections") {
    Synthetic s = make_synthetic();
    for (std::size_t t = 0; t < s.times; t += 3) s.data[t * s.cells + 10] = NAN;
    std::vector<double> w(s.cells, 0.5);
    const EofAnalysis eof = compute_eofs(s.data, s.times, w, 1);
    CHECK_FALSE(eof.valid[10]);
    CHECK(std::isnan(eof.covariance_maps[0][10]));
    CHECK(std::isnan(eof.eigenvectors[0][10]));
    // Uniform weights scale the eigenvalues by w^2 and leave the covariance pattern alone.
    const EofAnalysis unweighted = compute_eofs(s.data, s.times, std::vector<double>(s.cells, 1.0), 1);
    CHECK(eof.eigenvalues[0] == Approx(0.25 * unweighted.eigenvalues[0]).epsilon(1e-9));
    CHECK(std::fabs(eof.covariance_maps[0][3]) == Approx(std::fabs(unweighted.covariance_maps[0][3])).epsilon(1e-9));
    // NaN in the projected field counts as 0.
    std::vector<double> field(2 * s.cells, NAN);
    CHECK(project_onto_eof(eof, 0, field, 2) == std::vector<double>{0.0, 0.0});
    CHECK_THROWS(compute_eofs(std::vector<double>(s.cells, 1.0), 1, s.weights, 1));
}

TEST_CASE("per-cell regression on a series recovers slope and intercept") {
    const std::vector<double> pc = {-1.0, 0.5, 2.0, -0.3, 1.1};
    std::vector<double> data;
    for (const double p : pc) {
        data.push_back(3.0 * p + 1.0);
        data.push_back(-2.0 * p);
        data.push_back(NAN);
    }
    const Regression r = regress_on_series(data, pc);
    CHECK(r.slope[0] == Approx(3.0));
    CHECK(r.intercept[0] == Approx(1.0));
    CHECK(r.slope[1] == Approx(-2.0));
    CHECK(r.intercept[1] == Approx(0.0).margin(1e-12));
    CHECK(std::isnan(r.slope[2]));
}

namespace {

// A [time][cell] field with a decaying spectrum of smooth modes plus pseudo-random noise.
std::vector<double> spectrum_field(std::size_t times, std::size_t cells) {
    std::mt19937 random(12345);
    std::normal_distribution<double> noise(0.0, 0.05);
    std::vector<double> data(times * cells);
    for (std::size_t t = 0; t < times; ++t)
        for (std::size_t c = 0; c < cells; ++c) {
            double v = 2.0 + noise(random);
            for (int k = 1; k <= 5; ++k)
                v += std::pow(0.6, k) * std::sin(0.37 * k * static_cast<double>(c) + k) *
                     std::cos(0.11 * k * k * static_cast<double>(t) + 0.5 * k);
            data[t * cells + c] = v;
        }
    return data;
}

// The EOFs straight from the SVD of the weighted, centred field (the definition).
void check_against_svd(std::size_t times, std::size_t cells, std::size_t neofs) {
    const auto data = spectrum_field(times, cells);
    std::vector<double> weights(cells);
    for (std::size_t c = 0; c < cells; ++c) weights[c] = 0.5 + 0.5 * std::cos(0.01 * static_cast<double>(c));
    const EofAnalysis eof = compute_eofs(data, times, weights, neofs);

    Eigen::MatrixXd centred(times, cells);
    for (std::size_t c = 0; c < cells; ++c) {
        double mean = 0;
        for (std::size_t t = 0; t < times; ++t) mean += data[t * cells + c];
        mean /= static_cast<double>(times);
        for (std::size_t t = 0; t < times; ++t) centred(t, c) = data[t * cells + c] - mean;
    }
    Eigen::MatrixXd weighted = centred;
    for (std::size_t c = 0; c < cells; ++c) weighted.col(c) *= weights[c];
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(weighted, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::VectorXd& s = svd.singularValues();
    const double dof = static_cast<double>(times - 1);

    REQUIRE(eof.eigenvalues.size() == static_cast<std::size_t>(s.size()));
    REQUIRE(eof.count() == neofs);
    for (std::size_t k = 0; k < 10; ++k)
        CHECK(eof.eigenvalues[k] == Approx(s(k) * s(k) / dof).epsilon(1e-10));
    for (std::size_t k = 0; k < neofs; ++k) {
        INFO("EOF " << k + 1);
        const auto kk = static_cast<Eigen::Index>(k);
        CHECK(eof.variance_fractions[k] == Approx(s(kk) * s(kk) / s.squaredNorm()).epsilon(1e-10));
        const double sign = eof.pcs[k][0] * svd.matrixU()(0, kk) < 0 ? -1.0 : 1.0;
        const Eigen::VectorXd covariance = centred.transpose() * svd.matrixU().col(kk) / std::sqrt(dof);
        double pc_error = 0, vector_error = 0, map_error = 0;
        for (std::size_t t = 0; t < times; ++t)
            pc_error = std::max(pc_error, std::fabs(eof.pcs[k][t] - sign * svd.matrixU()(static_cast<Eigen::Index>(t), kk) * s(kk)));
        for (std::size_t c = 0; c < cells; ++c) {
            const auto cc = static_cast<Eigen::Index>(c);
            vector_error = std::max(vector_error, std::fabs(eof.eigenvectors[k][c] - sign * svd.matrixV()(cc, kk)));
            map_error = std::max(map_error, std::fabs(eof.covariance_maps[k][c] - sign * covariance(cc)));
        }
        // Relative to each quantity's largest value.
        CHECK(pc_error <= 1e-10 * s(kk));
        CHECK(vector_error <= 1e-10);
        CHECK(map_error <= 1e-10 * covariance.cwiseAbs().maxCoeff());
    }
}

}  // namespace

TEST_CASE("EOFs from the Gram matrix equal those of the full SVD, more steps than cells or fewer") {
    SECTION("times < cells (time x time Gram matrix)") { check_against_svd(120, 300, 4); }
    SECTION("times > cells (cell x cell Gram matrix)") { check_against_svd(300, 80, 4); }
}

TEST_CASE("an EOF analysis of a single cell is its weighted, centred series") {
    const std::vector<double> data = {1.0, 4.0, 2.0, 5.0};  // mean 3
    const EofAnalysis eof = compute_eofs(data, 4, std::vector<double>{0.5}, 1);
    REQUIRE(eof.count() == 1);
    REQUIRE(eof.eigenvalues.size() == 1);
    // Weighted centred series 0.5 * (-2, 1, -1, 2): sum of squares 2.5 over N - 1 = 3.
    CHECK(eof.eigenvalues[0] == Approx(2.5 / 3.0).epsilon(1e-12));
    CHECK(eof.variance_fractions[0] == Approx(1.0).epsilon(1e-12));
    const double sign = eof.pcs[0][0] < 0 ? 1.0 : -1.0;  // the first centred value is negative
    const std::vector<double> expected = {-1.0, 0.5, -0.5, 1.0};
    for (std::size_t t = 0; t < 4; ++t) CHECK(sign * eof.pcs[0][t] == Approx(expected[t]).epsilon(1e-12));
    CHECK(std::fabs(eof.eigenvectors[0][0]) == Approx(1.0).epsilon(1e-12));
}

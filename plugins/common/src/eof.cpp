#include "ref/science/eof.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <Eigen/Dense>

namespace ref::science {
namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// LU factors with partial pivoting of a tridiagonal matrix (diagonal `a`, off-diagonals `e`
// on both sides), shifted by -shift; a zero pivot is replaced by `tiny` for inverse iteration.
class ShiftedTridiagonalLu {
public:
    ShiftedTridiagonalLu(const Eigen::VectorXd& a, const Eigen::VectorXd& e, double shift, double tiny)
        : diag_(a.array() - shift), upper_(e), upper2_(Eigen::VectorXd::Zero(std::max<Eigen::Index>(a.size() - 2, 0))),
          lower_(e), swapped_(static_cast<std::size_t>(a.size()), 0) {
        const Eigen::Index n = a.size();
        for (Eigen::Index i = 0; i + 1 < n; ++i) {
            if (std::fabs(diag_(i)) >= std::fabs(lower_(i))) {
                if (diag_(i) == 0.0) diag_(i) = tiny;
                const double factor = lower_(i) / diag_(i);
                lower_(i) = factor;
                diag_(i + 1) -= factor * upper_(i);
            } else {  // the row below holds the larger entry: swap the two rows
                const double factor = diag_(i) / lower_(i);
                diag_(i) = lower_(i);
                lower_(i) = factor;
                const double above = upper_(i);
                upper_(i) = diag_(i + 1);
                diag_(i + 1) = above - factor * diag_(i + 1);
                if (i + 2 < n) {
                    upper2_(i) = upper_(i + 1);
                    upper_(i + 1) = -factor * upper_(i + 1);
                }
                swapped_[static_cast<std::size_t>(i)] = 1;
            }
        }
        if (n > 0 && diag_(n - 1) == 0.0) diag_(n - 1) = tiny;
    }

    Eigen::VectorXd solve(Eigen::VectorXd b) const {
        const Eigen::Index n = b.size();
        for (Eigen::Index i = 0; i + 1 < n; ++i) {
            if (swapped_[static_cast<std::size_t>(i)]) {
                const double top = b(i);
                b(i) = b(i + 1);
                b(i + 1) = top - lower_(i) * b(i);
            } else {
                b(i + 1) -= lower_(i) * b(i);
            }
        }
        for (Eigen::Index i = n - 1; i >= 0; --i) {
            double v = b(i);
            if (i + 1 < n) v -= upper_(i) * b(i + 1);
            if (i + 2 < n) v -= upper2_(i) * b(i + 2);
            b(i) = v / diag_(i);
        }
        return b;
    }

private:
    Eigen::VectorXd diag_, upper_, upper2_, lower_;
    std::vector<char> swapped_;
};

struct LeadingEigen {
    Eigen::VectorXd values;   // every eigenvalue, descending
    Eigen::MatrixXd vectors;  // the leading `count` unit eigenvectors as columns
};

// Eigenvalues of a symmetric matrix (lower triangle used) and its leading eigenvectors:
// tridiagonal reduction, eigenvalues of the tridiagonal matrix, inverse iteration for the
// wanted vectors (orthogonalised against those of nearby eigenvalues), back-transformation.
LeadingEigen leading_eigenpairs(const Eigen::MatrixXd& symmetric, Eigen::Index count) {
    const Eigen::Index n = symmetric.rows();
    count = std::min(count, n);
    const Eigen::Tridiagonalization<Eigen::MatrixXd> reduction(symmetric);
    const Eigen::VectorXd diagonal = reduction.diagonal();
    const Eigen::VectorXd off = n > 1 ? Eigen::VectorXd(reduction.subDiagonal()) : Eigen::VectorXd();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> spectrum;
    spectrum.computeFromTridiagonal(diagonal, off, Eigen::EigenvaluesOnly);
    if (spectrum.info() != Eigen::Success) throw std::runtime_error("EOF analysis: the eigenvalues did not converge");
    LeadingEigen out;
    out.values = spectrum.eigenvalues().reverse();
    const double scale = std::max(out.values.cwiseAbs().maxCoeff(), std::numeric_limits<double>::min());
    const double eps = std::numeric_limits<double>::epsilon();
    Eigen::MatrixXd tridiagonal_vectors(n, count);
    for (Eigen::Index k = 0; k < count; ++k) {
        const ShiftedTridiagonalLu lu(diagonal, off, out.values(k), eps * scale);
        Eigen::VectorXd x(n);
        for (Eigen::Index i = 0; i < n; ++i) x(i) = 1.0 + 0.5 * std::sin(static_cast<double>(i * (k + 1)) + 0.3);
        for (int iteration = 0; iteration < 4; ++iteration) {
            x = lu.solve(x);
            // Vectors of (nearly) repeated eigenvalues are not separated by the shift: keep them orthogonal.
            for (Eigen::Index j = 0; j < k; ++j)
                if (std::fabs(out.values(j) - out.values(k)) <= 1e-3 * scale)
                    x -= tridiagonal_vectors.col(j).dot(x) * tridiagonal_vectors.col(j);
            x.normalize();
        }
        tridiagonal_vectors.col(k) = x;
    }
    out.vectors = reduction.matrixQ() * tridiagonal_vectors;
    return out;
}

}  // namespace

void EofAnalysis::flip(std::size_t n) {
    for (auto& v : eigenvectors.at(n)) v = -v;
    for (auto& v : pcs.at(n)) v = -v;
    for (auto& v : covariance_maps.at(n)) v = -v;
}

EofAnalysis compute_eofs(std::span<const double> data, std::size_t times, std::span<const double> weights,
                         std::size_t neofs) {
    if (times < 2) throw std::invalid_argument("EOF analysis needs at least two time steps");
    if (weights.empty() || data.size() != times * weights.size())
        throw std::invalid_argument("EOF analysis: " + std::to_string(data.size()) + " values are not " +
                                    std::to_string(times) + " steps of " + std::to_string(weights.size()) + " cells");
    EofAnalysis out;
    out.times = times;
    out.cells = weights.size();
    out.weights.assign(weights.begin(), weights.end());
    out.valid.assign(out.cells, 1);
    for (std::size_t t = 0; t < times; ++t)
        for (std::size_t c = 0; c < out.cells; ++c)
            if (!std::isfinite(data[t * out.cells + c])) out.valid[c] = 0;
    std::vector<std::size_t> columns;
    for (std::size_t c = 0; c < out.cells; ++c)
        if (out.valid[c]) columns.push_back(c);
    if (columns.empty()) throw std::invalid_argument("EOF analysis: no cell is valid at every time step");

    const auto n = static_cast<Eigen::Index>(times);
    const auto m = static_cast<Eigen::Index>(columns.size());
    Eigen::MatrixXd centred(n, m);
    for (Eigen::Index j = 0; j < m; ++j) {
        const std::size_t c = columns[static_cast<std::size_t>(j)];
        double mean = 0.0;
        for (std::size_t t = 0; t < times; ++t) mean += data[t * out.cells + c];
        mean /= static_cast<double>(times);
        for (Eigen::Index t = 0; t < n; ++t) centred(t, j) = data[static_cast<std::size_t>(t) * out.cells + c] - mean;
    }
    Eigen::MatrixXd weighted = centred;
    for (Eigen::Index j = 0; j < m; ++j) weighted.col(j) *= weights[columns[static_cast<std::size_t>(j)]];

    // The leading singular triplets from the eigen-decomposition of the smaller Gram matrix
    // (time x time, or cell x cell): much cheaper than a full SVD when few EOFs are kept.
    const bool time_gram = n <= m;
    Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(std::min(n, m), std::min(n, m));
    if (time_gram)
        gram.selfadjointView<Eigen::Lower>().rankUpdate(weighted);
    else
        gram.selfadjointView<Eigen::Lower>().rankUpdate(weighted.transpose());
    const LeadingEigen eigen = leading_eigenpairs(gram, static_cast<Eigen::Index>(neofs));
    const double dof = static_cast<double>(times - 1);
    // The eigenvalues sum to the trace, the total weighted variance, whatever their accuracy.
    const double total = weighted.squaredNorm() / dof;
    for (Eigen::Index k = 0; k < eigen.values.size(); ++k) {
        out.eigenvalues.push_back(std::max(eigen.values(k), 0.0) / dof);
        out.variance_fractions.push_back(total > 0.0 ? out.eigenvalues.back() / total : nan);
    }

    for (Eigen::Index k = 0; k < eigen.vectors.cols(); ++k) {
        const double singular = std::sqrt(std::max(eigen.values(k), 0.0));
        if (!(singular > 0.0)) break;  // no direction left beyond the data's rank
        Eigen::VectorXd u, v;
        if (time_gram) {
            u = eigen.vectors.col(k);
            v = weighted.transpose() * u / singular;
        } else {
            v = eigen.vectors.col(k);
            u = weighted * v / singular;
        }
        std::vector<double> vector(out.cells, nan), map(out.cells, nan), pc(times);
        for (Eigen::Index t = 0; t < n; ++t) pc[static_cast<std::size_t>(t)] = u(t) * singular;
        // Unit-variance PC (ddof 1) is U*sqrt(N-1); covariance with the data is U^T X / sqrt(N-1).
        const Eigen::VectorXd covariance = centred.transpose() * u / std::sqrt(dof);
        for (Eigen::Index j = 0; j < m; ++j) {
            const std::size_t c = columns[static_cast<std::size_t>(j)];
            vector[c] = v(j);
            map[c] = covariance(j);
        }
        out.eigenvectors.push_back(std::move(vector));
        out.covariance_maps.push_back(std::move(map));
        out.pcs.push_back(std::move(pc));
    }
    return out;
}

std::vector<double> project_onto_eof(const EofAnalysis& analysis, std::size_t n, std::span<const double> data,
                                     std::size_t times) {
    if (data.size() != times * analysis.cells)
        throw std::invalid_argument("EOF projection: the field does not have the analysis' " +
                                    std::to_string(analysis.cells) + " cells per step");
    const auto& vector = analysis.eigenvectors.at(n);
    std::vector<double> out(times, 0.0);
    for (std::size_t t = 0; t < times; ++t) {
        double sum = 0.0;
        for (std::size_t c = 0; c < analysis.cells; ++c) {
            if (!analysis.valid[c]) continue;
            const double v = data[t * analysis.cells + c];
            if (std::isfinite(v)) sum += v * analysis.weights[c] * vector[c];
        }
        out[t] = sum;
    }
    return out;
}

Regression regress_on_series(std::span<const double> data, std::span<const double> series) {
    const std::size_t times = series.size();
    if (times == 0 || data.size() % times != 0)
        throw std::invalid_argument("regression: the field's length is not a multiple of the series' length");
    const std::size_t cells = data.size() / times;
    Regression out{std::vector<double>(cells, nan), std::vector<double>(cells, nan)};
    // One pass over the field in storage order (step by step, all cells at once), so it streams
    // through memory once. The sums are of deviations from the series' mean and from each cell's
    // value at the first step, which keeps the final differences of sums free of cancellation.
    double series_sum = 0.0, series_count = 0.0;
    for (const double x : series)
        if (std::isfinite(x)) series_sum += x, series_count += 1.0;
    const double series_mean = series_count > 0.0 ? series_sum / series_count : 0.0;
    std::vector<double> origin(cells, 0.0);
    for (std::size_t c = 0; c < cells; ++c)
        if (std::isfinite(data[c])) origin[c] = data[c];
    std::vector<double> count(cells, 0.0), sx(cells, 0.0), sy(cells, 0.0), sxx(cells, 0.0), sxy(cells, 0.0);
    for (std::size_t t = 0; t < times; ++t) {
        if (!std::isfinite(series[t])) continue;
        const double x = series[t] - series_mean;
        const double* row = data.data() + t * cells;
        for (std::size_t c = 0; c < cells; ++c) {  // selects rather than branches, so it vectorises
            const double y = row[c] - origin[c];
            const bool valid = std::isfinite(y);
            count[c] += valid ? 1.0 : 0.0;
            sx[c] += valid ? x : 0.0;
            sy[c] += valid ? y : 0.0;
            sxx[c] += valid ? x * x : 0.0;
            sxy[c] += valid ? x * y : 0.0;
        }
    }
    for (std::size_t c = 0; c < cells; ++c) {
        if (count[c] < 2) continue;
        const double centred_xx = sxx[c] - sx[c] * sx[c] / count[c];
        if (centred_xx <= 0.0) continue;
        out.slope[c] = (sxy[c] - sx[c] * sy[c] / count[c]) / centred_xx;
        out.intercept[c] = origin[c] + sy[c] / count[c] - out.slope[c] * (series_mean + sx[c] / count[c]);
    }
    return out;
}

double sample_std(std::span<const double> values) {
    double sum = 0, count = 0;
    for (const double v : values)
        if (std::isfinite(v)) sum += v, ++count;
    if (count < 2) return nan;
    const double mean = sum / count;
    double ss = 0;
    for (const double v : values)
        if (std::isfinite(v)) ss += (v - mean) * (v - mean);
    return std::sqrt(ss / (count - 1));
}

double temporal_correlation(std::span<const double> a, std::span<const double> b) {
    if (a.size() != b.size()) throw std::invalid_argument("correlation: series differ in length");
    double sa = 0, sb = 0, count = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::isfinite(a[i]) && std::isfinite(b[i])) sa += a[i], sb += b[i], ++count;
    if (count < 2) return nan;
    const double ma = sa / count, mb = sb / count;
    double saa = 0, sbb = 0, sab = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!std::isfinite(a[i]) || !std::isfinite(b[i])) continue;
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
        sab += (a[i] - ma) * (b[i] - mb);
    }
    return sab / std::sqrt(saa * sbb);
}

}  // namespace ref::science

#include "ref/science/eof.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <Eigen/Dense>

namespace ref::science {
namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
}

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

    const Eigen::BDCSVD<Eigen::MatrixXd> svd(weighted, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::VectorXd& s = svd.singularValues();
    double total = 0.0;
    const double dof = static_cast<double>(times - 1);
    for (Eigen::Index k = 0; k < s.size(); ++k) {
        out.eigenvalues.push_back(s(k) * s(k) / dof);
        total += out.eigenvalues.back();
    }
    for (const double e : out.eigenvalues) out.variance_fractions.push_back(total > 0.0 ? e / total : nan);

    const std::size_t keep = std::min<std::size_t>(neofs, static_cast<std::size_t>(s.size()));
    for (std::size_t k = 0; k < keep; ++k) {
        const auto kk = static_cast<Eigen::Index>(k);
        std::vector<double> vector(out.cells, nan), map(out.cells, nan), pc(times);
        for (Eigen::Index t = 0; t < n; ++t) pc[static_cast<std::size_t>(t)] = svd.matrixU()(t, kk) * s(kk);
        // Unit-variance PC (ddof 1) is U*sqrt(N-1); covariance with the data is U^T X / sqrt(N-1).
        const Eigen::VectorXd covariance = centred.transpose() * svd.matrixU().col(kk) / std::sqrt(dof);
        for (Eigen::Index j = 0; j < m; ++j) {
            const std::size_t c = columns[static_cast<std::size_t>(j)];
            vector[c] = svd.matrixV()(j, kk);
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
    for (std::size_t c = 0; c < cells; ++c) {
        double sx = 0, sy = 0, count = 0;
        for (std::size_t t = 0; t < times; ++t) {
            const double y = data[t * cells + c];
            if (!std::isfinite(y) || !std::isfinite(series[t])) continue;
            sx += series[t];
            sy += y;
            ++count;
        }
        if (count < 2) continue;
        const double mx = sx / count, my = sy / count;
        double sxx = 0, sxy = 0;
        for (std::size_t t = 0; t < times; ++t) {
            const double y = data[t * cells + c];
            if (!std::isfinite(y) || !std::isfinite(series[t])) continue;
            sxx += (series[t] - mx) * (series[t] - mx);
            sxy += (series[t] - mx) * (y - my);
        }
        if (sxx <= 0.0) continue;
        out.slope[c] = sxy / sxx;
        out.intercept[c] = my - out.slope[c] * mx;
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

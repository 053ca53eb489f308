#pragma once

// Empirical orthogonal functions of a weighted [time][cell] field via the SVD, with the
// conventions of the eofs package: the time mean is removed, the data are multiplied by
// the weights, eigenvalues are s^2/(N-1), PCs are the unscaled projections U*s, and patterns
// "as covariance" are the covariance of each unit-variance PC with the unweighted data.

#include <cstddef>
#include <span>
#include <vector>

namespace ref::science {

struct EofAnalysis {
    std::size_t times = 0;
    std::size_t cells = 0;
    std::vector<double> weights;      // per cell, as given
    std::vector<char> valid;          // cells finite at every time step (the others are left out)
    std::vector<double> eigenvalues;  // every non-trivial one, descending
    std::vector<double> variance_fractions;             // eigenvalue / sum of all eigenvalues
    std::vector<std::vector<double>> eigenvectors;      // [eof][cell] unit norm over valid cells, NaN elsewhere
    std::vector<std::vector<double>> pcs;               // [eof][time] = U*s
    std::vector<std::vector<double>> covariance_maps;   // [eof][cell] field units per 1 std of PC, NaN elsewhere

    std::size_t count() const { return pcs.size(); }
    // Changes the sign of EOF `n` (0-based): eigenvector, PC and covariance map.
    void flip(std::size_t n);
};

// `data` is [time][cell] with NaN where missing; a cell missing at any step is left out.
// `weights` multiplies each cell's data (e.g. sqrt of normalised cell areas). Keeps the
// leading `neofs` EOFs. Throws std::invalid_argument for fewer than two time steps, no
// valid cell, or mismatched sizes.
EofAnalysis compute_eofs(std::span<const double> data, std::size_t times, std::span<const double> weights,
                         std::size_t neofs);

// The pseudo-PC of another field [time][cell] (same cells) on EOF `n`: each step multiplied
// by the weights and dotted with the unit eigenvector over the analysis' valid cells, NaN
// read as 0, no centring (as eofs' projectField with eofscaling 0).
std::vector<double> project_onto_eof(const EofAnalysis& analysis, std::size_t n, std::span<const double> data,
                                     std::size_t times);

struct Regression {
    std::vector<double> slope;      // per cell
    std::vector<double> intercept;  // per cell
};

// Least-squares fit field(t) = slope * pc(t) + intercept at every cell of [time][cell]
// `data`; steps where the cell is missing are left out; NaN where fewer than two remain.
Regression regress_on_series(std::span<const double> data, std::span<const double> series);

// Sample standard deviation (ddof 1) of the finite values.
double sample_std(std::span<const double> values);
// Pearson correlation of two series over the steps where both are finite.
double temporal_correlation(std::span<const double> a, std::span<const double> b);

}  // namespace ref::science

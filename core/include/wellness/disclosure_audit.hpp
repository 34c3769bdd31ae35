#pragma once

// An exact disclosure audit: what can a reader who holds every published answer infer about a
// hidden cell? Every shown number is a linear equation over the unknown cells (a week's cell,
// a month as the sum of its weeks, ...), every cell is at least zero; the feasible interval of
// each cell under all of that is found with an exact simplex over rationals, so "determined"
// means determined, not "within floating-point noise". Small systems only: a presolve
// substitutes the cells that single equations fix and solves each connected part on its own.

#include "wellness/suppression.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wellness::audit {

// An exact fraction num / den, den > 0, in lowest terms. Throws std::overflow_error rather than
// give a wrong answer when a value outgrows 127 bits.
class Rational {
  public:
    Rational(std::int64_t numerator = 0) : num_(numerator), den_(1) {} // NOLINT: a whole number
    Rational(__int128 numerator, __int128 denominator);

    Rational operator+(const Rational& other) const;
    Rational operator-(const Rational& other) const;
    Rational operator*(const Rational& other) const;
    Rational operator/(const Rational& other) const;
    Rational operator-() const;
    bool operator==(const Rational& other) const = default;
    bool operator<(const Rational& other) const;
    bool operator>(const Rational& other) const { return other < *this; }
    bool operator<=(const Rational& other) const { return !(other < *this); }
    bool operator>=(const Rational& other) const { return !(*this < other); }
    int sign() const { return num_ > 0 ? 1 : num_ < 0 ? -1 : 0; }
    bool is_integer() const { return den_ == 1; }
    std::string to_string() const;

  private:
    __int128 num_;
    __int128 den_;
};

enum class Sense { equal, at_least, at_most };

// sum(coefficient * x[variable]) <sense> bound.
struct Constraint {
    std::vector<std::pair<std::size_t, std::int64_t>> terms;
    Sense sense = Sense::equal;
    std::int64_t bound = 0;
};

// The feasible values of one unknown: [low, high], high empty when unbounded above.
struct Interval {
    Rational low;
    std::optional<Rational> high;
    bool determined() const { return high && *high == low; }
};

enum class LpStatus { optimal, unbounded, infeasible };
struct LpResult {
    LpStatus status = LpStatus::infeasible;
    Rational value;
};

// max objective . x subject to `constraints` and x >= 0, for x of `variables` entries
// (two-phase simplex, Bland's rule, exact).
LpResult maximize(std::size_t variables, const std::vector<Constraint>& constraints,
                  const std::vector<std::pair<std::size_t, std::int64_t>>& objective);

// Unknowns by name, the constraints a reader knows, and each unknown's feasible interval.
class LinearSystem {
  public:
    std::size_t variable(const std::string& name); // created on first use
    std::optional<std::size_t> find(const std::string& name) const;
    std::size_t variable_count() const { return names_.size(); }
    const std::string& name(std::size_t variable) const { return names_.at(variable); }
    const std::vector<Constraint>& constraints() const { return constraints_; }

    void add(Constraint constraint); // the same constraint twice is kept once
    // The sum of `variables` (each once) is `total` (or at least `total`).
    void add_sum(const std::vector<std::size_t>& variables, std::int64_t total,
                 Sense sense = Sense::equal);

    // Every unknown's interval (nonnegativity included); nullopt when the constraints have no
    // solution at all (the published answers contradict each other).
    std::optional<std::vector<Interval>> intervals() const;
    std::optional<Interval> interval(std::size_t variable) const;

  private:
    std::vector<std::string> names_;
    std::map<std::string, std::size_t> index_;
    std::map<std::string, bool> seen_; // constraints already known, as text
    std::vector<Constraint> constraints_;
};

// What one summary answer tells a reader, added to `system`: each shown cell is the sum of the
// unknown week cells it covers (named "<prefix>2026-W44/metric/key"), each hidden cell with an
// at_least is at least that. A week label covers itself, a month or year label its weeks, a total
// the answer's weeks from `from` to min(to, published_through).
void add_answer(LinearSystem& system, const Summary& answer, const std::string& prefix = "");

// The unknown week cells a period label of `answer` covers.
std::vector<IsoWeek> weeks_covered(const Summary& answer, const std::string& period);

// The name add_answer gives a week cell.
std::string week_cell_name(const std::string& prefix, const IsoWeek& week,
                           const std::string& metric, const std::string& key);

} // namespace wellness::audit

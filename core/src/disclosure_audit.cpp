#include "wellness/disclosure_audit.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace wellness::audit {

namespace {

using Int = __int128;

Int gcd(Int a, Int b) {
    a = a < 0 ? -a : a;
    b = b < 0 ? -b : b;
    while (b != 0) {
        const Int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

Int checked_mul(Int a, Int b) {
    Int out = 0;
    if (__builtin_mul_overflow(a, b, &out)) {
        throw std::overflow_error("disclosure audit: a fraction outgrew 127 bits");
    }
    return out;
}

Int checked_add(Int a, Int b) {
    Int out = 0;
    if (__builtin_add_overflow(a, b, &out)) {
        throw std::overflow_error("disclosure audit: a fraction outgrew 127 bits");
    }
    return out;
}

} // namespace

Rational::Rational(Int numerator, Int denominator) : num_(numerator), den_(denominator) {
    if (den_ == 0) {
        throw std::domain_error("disclosure audit: division by zero");
    }
    if (den_ < 0) {
        num_ = -num_;
        den_ = -den_;
    }
    const Int g = gcd(num_, den_);
    if (g > 1) {
        num_ /= g;
        den_ /= g;
    }
}

Rational Rational::operator+(const Rational& other) const {
    if (den_ == other.den_) {
        return {checked_add(num_, other.num_), den_};
    }
    const Int g = gcd(den_, other.den_);
    const Int left = checked_mul(num_, other.den_ / g);
    const Int right = checked_mul(other.num_, den_ / g);
    return {checked_add(left, right), checked_mul(den_ / g, other.den_)};
}

Rational Rational::operator-() const {
    Rational negated = *this;
    negated.num_ = -num_;
    return negated;
}

Rational Rational::operator-(const Rational& other) const {
    return *this + (-other);
}

Rational Rational::operator*(const Rational& other) const {
    if (num_ == 0 || other.num_ == 0) {
        return Rational(0);
    }
    const Int g1 = gcd(num_, other.den_);
    const Int g2 = gcd(other.num_, den_);
    return {checked_mul(num_ / g1, other.num_ / g2), checked_mul(den_ / g2, other.den_ / g1)};
}

Rational Rational::operator/(const Rational& other) const {
    if (other.num_ == 0) {
        throw std::domain_error("disclosure audit: division by zero");
    }
    return *this * Rational(other.den_, other.num_);
}

bool Rational::operator<(const Rational& other) const {
    return (*this - other).num_ < 0;
}

std::string Rational::to_string() const {
    auto text_of = [](Int value) {
        if (value == 0) {
            return std::string("0");
        }
        const bool negative = value < 0;
        std::string digits;
        while (value != 0) {
            const Int digit = value % 10;
            digits += static_cast<char>('0' + static_cast<int>(digit < 0 ? -digit : digit));
            value /= 10;
        }
        if (negative) {
            digits += '-';
        }
        std::reverse(digits.begin(), digits.end());
        return digits;
    };
    return den_ == 1 ? text_of(num_) : text_of(num_) + "/" + text_of(den_);
}

namespace {

// A dense tableau in equality form: rows . x = rhs, x >= 0, with a feasible basis.
struct Tableau {
    std::vector<std::vector<Rational>> rows;
    std::vector<Rational> rhs;
    std::vector<std::size_t> basis;
    std::vector<bool> may_enter;

    void pivot(std::size_t row, std::size_t column) {
        const Rational factor = rows[row][column];
        for (Rational& value : rows[row]) {
            value = value / factor;
        }
        rhs[row] = rhs[row] / factor;
        for (std::size_t other = 0; other < rows.size(); ++other) {
            if (other == row || rows[other][column].sign() == 0) {
                continue;
            }
            const Rational times = rows[other][column];
            for (std::size_t c = 0; c < rows[other].size(); ++c) {
                if (rows[row][c].sign() != 0) {
                    rows[other][c] = rows[other][c] - times * rows[row][c];
                }
            }
            rhs[other] = rhs[other] - times * rhs[row];
        }
        basis[row] = column;
    }

    // Maximizes cost . x from the current basis. Bland's rule: never cycles.
    LpStatus run(const std::vector<Rational>& cost) {
        const std::size_t columns = may_enter.size();
        for (;;) {
            std::optional<std::size_t> entering;
            for (std::size_t c = 0; c < columns && !entering; ++c) {
                if (!may_enter[c] || std::find(basis.begin(), basis.end(), c) != basis.end()) {
                    continue;
                }
                Rational reduced = cost[c];
                for (std::size_t r = 0; r < rows.size(); ++r) {
                    if (rows[r][c].sign() != 0 && cost[basis[r]].sign() != 0) {
                        reduced = reduced - cost[basis[r]] * rows[r][c];
                    }
                }
                if (reduced.sign() > 0) {
                    entering = c;
                }
            }
            if (!entering) {
                return LpStatus::optimal;
            }
            std::optional<std::size_t> leaving;
            Rational best;
            for (std::size_t r = 0; r < rows.size(); ++r) {
                if (rows[r][*entering].sign() <= 0) {
                    continue;
                }
                const Rational ratio = rhs[r] / rows[r][*entering];
                if (!leaving || ratio < best || (ratio == best && basis[r] < basis[*leaving])) {
                    leaving = r;
                    best = ratio;
                }
            }
            if (!leaving) {
                return LpStatus::unbounded;
            }
            pivot(*leaving, *entering);
        }
    }

    Rational value(const std::vector<Rational>& cost) const {
        Rational total;
        for (std::size_t r = 0; r < rows.size(); ++r) {
            total = total + cost[basis[r]] * rhs[r];
        }
        return total;
    }
};

struct RationalConstraint {
    std::vector<std::pair<std::size_t, Rational>> terms;
    Sense sense = Sense::equal;
    Rational bound;
};

LpResult maximize_rational(std::size_t variables,
                           const std::vector<RationalConstraint>& constraints,
                           const std::vector<std::pair<std::size_t, Rational>>& objective) {
    std::size_t slacks = 0;
    for (const auto& constraint : constraints) {
        slacks += constraint.sense == Sense::equal ? 0 : 1;
    }
    const std::size_t m = constraints.size();
    const std::size_t first_artificial = variables + slacks;
    const std::size_t columns = first_artificial + m;
    Tableau tableau;
    tableau.rows.assign(m, std::vector<Rational>(columns));
    tableau.rhs.assign(m, Rational());
    tableau.basis.assign(m, 0);
    tableau.may_enter.assign(columns, true);
    std::size_t slack = variables;
    for (std::size_t r = 0; r < m; ++r) {
        const auto& constraint = constraints[r];
        auto& row = tableau.rows[r];
        for (const auto& [variable, coefficient] : constraint.terms) {
            row.at(variable) = row.at(variable) + coefficient;
        }
        if (constraint.sense == Sense::at_least) {
            row[slack++] = Rational(-1);
        } else if (constraint.sense == Sense::at_most) {
            row[slack++] = Rational(1);
        }
        tableau.rhs[r] = constraint.bound;
        if (tableau.rhs[r].sign() < 0) {
            for (Rational& value : row) {
                value = -value;
            }
            tableau.rhs[r] = -tableau.rhs[r];
        }
        row[first_artificial + r] = Rational(1);
        tableau.basis[r] = first_artificial + r;
    }
    // Phase 1: drive the artificial variables to zero.
    std::vector<Rational> phase_one(columns);
    for (std::size_t c = first_artificial; c < columns; ++c) {
        phase_one[c] = Rational(-1);
    }
    tableau.run(phase_one);
    if (tableau.value(phase_one).sign() < 0) {
        return {LpStatus::infeasible, {}};
    }
    for (std::size_t c = first_artificial; c < columns; ++c) {
        tableau.may_enter[c] = false;
    }
    // Artificials still basic (at zero) leave, or their row is redundant and goes.
    for (std::size_t r = 0; r < tableau.rows.size();) {
        if (tableau.basis[r] < first_artificial) {
            ++r;
            continue;
        }
        std::optional<std::size_t> column;
        for (std::size_t c = 0; c < first_artificial && !column; ++c) {
            if (tableau.rows[r][c].sign() != 0) {
                column = c;
            }
        }
        if (column) {
            tableau.pivot(r, *column);
            ++r;
        } else {
            tableau.rows.erase(tableau.rows.begin() + static_cast<std::ptrdiff_t>(r));
            tableau.rhs.erase(tableau.rhs.begin() + static_cast<std::ptrdiff_t>(r));
            tableau.basis.erase(tableau.basis.begin() + static_cast<std::ptrdiff_t>(r));
        }
    }
    std::vector<Rational> cost(columns);
    for (const auto& [variable, coefficient] : objective) {
        cost.at(variable) = cost.at(variable) + coefficient;
    }
    if (tableau.run(cost) == LpStatus::unbounded) {
        return {LpStatus::unbounded, {}};
    }
    return {LpStatus::optimal, tableau.value(cost)};
}

} // namespace

LpResult maximize(std::size_t variables, const std::vector<Constraint>& constraints,
                  const std::vector<std::pair<std::size_t, std::int64_t>>& objective) {
    std::vector<RationalConstraint> exact;
    for (const Constraint& constraint : constraints) {
        RationalConstraint row;
        for (const auto& [variable, coefficient] : constraint.terms) {
            row.terms.emplace_back(variable, Rational(coefficient));
        }
        row.sense = constraint.sense;
        row.bound = Rational(constraint.bound);
        exact.push_back(std::move(row));
    }
    std::vector<std::pair<std::size_t, Rational>> cost;
    for (const auto& [variable, coefficient] : objective) {
        cost.emplace_back(variable, Rational(coefficient));
    }
    return maximize_rational(variables, exact, cost);
}

std::size_t LinearSystem::variable(const std::string& name) {
    if (auto found = find(name)) {
        return *found;
    }
    names_.push_back(name);
    index_.emplace(name, names_.size() - 1);
    return names_.size() - 1;
}

std::optional<std::size_t> LinearSystem::find(const std::string& name) const {
    const auto found = index_.find(name);
    if (found == index_.end()) {
        return std::nullopt;
    }
    return found->second;
}

void LinearSystem::add(Constraint constraint) {
    for (const auto& term : constraint.terms) {
        if (term.first >= names_.size()) {
            throw std::out_of_range("disclosure audit: a constraint names an unknown variable");
        }
    }
    std::sort(constraint.terms.begin(), constraint.terms.end());
    std::string text =
        std::to_string(static_cast<int>(constraint.sense)) + ":" + std::to_string(constraint.bound);
    for (const auto& [variable, coefficient] : constraint.terms) {
        text += " " + std::to_string(variable) + "*" + std::to_string(coefficient);
    }
    if (!seen_.emplace(std::move(text), true).second) {
        return;
    }
    constraints_.push_back(std::move(constraint));
}

void LinearSystem::add_sum(const std::vector<std::size_t>& variables, std::int64_t total,
                           Sense sense) {
    Constraint constraint;
    constraint.sense = sense;
    constraint.bound = total;
    for (const std::size_t variable : variables) {
        constraint.terms.emplace_back(variable, 1);
    }
    add(std::move(constraint));
}

std::optional<std::vector<Interval>> LinearSystem::intervals() const {
    const std::size_t n = names_.size();
    // Presolve: substitute every unknown a single equation fixes (and every unknown of a
    // nonnegative-coefficient equation summing to zero), until nothing more is fixed.
    std::vector<std::optional<Rational>> known(n);
    std::vector<RationalConstraint> rest;
    for (const Constraint& constraint : constraints_) {
        RationalConstraint row;
        std::map<std::size_t, Rational> merged;
        for (const auto& [variable, coefficient] : constraint.terms) {
            merged[variable] = merged[variable] + Rational(coefficient);
        }
        for (const auto& [variable, coefficient] : merged) {
            if (coefficient.sign() != 0) {
                row.terms.emplace_back(variable, coefficient);
            }
        }
        row.sense = constraint.sense;
        row.bound = Rational(constraint.bound);
        rest.push_back(std::move(row));
    }
    for (bool changed = true; changed;) {
        changed = false;
        std::vector<RationalConstraint> next;
        for (RationalConstraint& row : rest) {
            RationalConstraint reduced;
            reduced.sense = row.sense;
            reduced.bound = row.bound;
            for (const auto& [variable, coefficient] : row.terms) {
                if (known[variable]) {
                    reduced.bound = reduced.bound - coefficient * *known[variable];
                } else {
                    reduced.terms.emplace_back(variable, coefficient);
                }
            }
            if (reduced.terms.empty()) {
                const int s = reduced.bound.sign();
                if ((reduced.sense == Sense::equal && s != 0) ||
                    (reduced.sense == Sense::at_least && s > 0) ||
                    (reduced.sense == Sense::at_most && s < 0)) {
                    return std::nullopt;
                }
                continue;
            }
            if (reduced.sense == Sense::equal && reduced.terms.size() == 1) {
                const Rational value = reduced.bound / reduced.terms.front().second;
                if (value.sign() < 0) {
                    return std::nullopt;
                }
                known[reduced.terms.front().first] = value;
                changed = true;
                continue;
            }
            const bool all_positive =
                std::all_of(reduced.terms.begin(), reduced.terms.end(),
                            [](const auto& term) { return term.second.sign() > 0; });
            if (reduced.sense == Sense::equal && all_positive && reduced.bound.sign() == 0) {
                for (const auto& term : reduced.terms) {
                    known[term.first] = Rational(0);
                }
                changed = true;
                continue;
            }
            next.push_back(std::move(reduced));
        }
        rest = std::move(next);
    }

    // Connected parts: unknowns sharing a remaining constraint.
    std::vector<std::size_t> part(n);
    for (std::size_t v = 0; v < n; ++v) {
        part[v] = v;
    }
    auto root = [&](std::size_t v) {
        while (part[v] != v) {
            part[v] = part[part[v]];
            v = part[v];
        }
        return v;
    };
    for (const auto& row : rest) {
        for (const auto& term : row.terms) {
            part[root(term.first)] = root(row.terms.front().first);
        }
    }
    std::map<std::size_t, std::vector<const RationalConstraint*>> rows_of;
    for (const auto& row : rest) {
        rows_of[root(row.terms.front().first)].push_back(&row);
    }
    std::vector<Interval> result(n);
    std::map<std::size_t, std::vector<std::size_t>> members;
    for (std::size_t v = 0; v < n; ++v) {
        if (known[v]) {
            result[v] = {*known[v], *known[v]};
        } else {
            members[root(v)].push_back(v);
        }
    }
    for (const auto& [group, variables] : members) {
        const auto found = rows_of.find(group);
        if (found == rows_of.end()) {
            for (const std::size_t v : variables) {
                result[v] = {Rational(0), std::nullopt}; // in no constraint: anything >= 0
            }
            continue;
        }
        std::map<std::size_t, std::size_t> local;
        for (const std::size_t v : variables) {
            local.emplace(v, local.size());
        }
        std::vector<RationalConstraint> system;
        for (const RationalConstraint* row : found->second) {
            RationalConstraint mapped = *row;
            for (auto& term : mapped.terms) {
                term.first = local.at(term.first);
            }
            system.push_back(std::move(mapped));
        }
        for (const std::size_t v : variables) {
            const auto high = maximize_rational(local.size(), system, {{local.at(v), Rational(1)}});
            if (high.status == LpStatus::infeasible) {
                return std::nullopt;
            }
            const auto low = maximize_rational(local.size(), system, {{local.at(v), Rational(-1)}});
            result[v].low = low.status == LpStatus::optimal ? -low.value : Rational(0);
            if (high.status == LpStatus::optimal) {
                result[v].high = high.value;
            }
        }
    }
    return result;
}

std::optional<Interval> LinearSystem::interval(std::size_t variable) const {
    auto all = intervals();
    if (!all) {
        return std::nullopt;
    }
    return all->at(variable);
}

std::vector<IsoWeek> weeks_covered(const Summary& answer, const std::string& period) {
    IsoWeek first = answer.from;
    IsoWeek last = answer.to;
    if (period == "total") {
        if (!answer.published_through) {
            return {};
        }
        last = std::min(last, *answer.published_through);
    } else {
        const auto from = first_week_of(period);
        const auto to = last_week_of(period);
        if (!from || !to) {
            return {};
        }
        first = *from;
        last = *to;
    }
    std::vector<IsoWeek> weeks;
    for (IsoWeek week = first; week <= last; week = week.next()) {
        weeks.push_back(week);
    }
    return weeks;
}

std::string week_cell_name(const std::string& prefix, const IsoWeek& week,
                           const std::string& metric, const std::string& key) {
    return prefix + week.to_string() + "/" + metric + "/" + key;
}

void add_answer(LinearSystem& system, const Summary& answer, const std::string& prefix) {
    for (const SummaryCell& cell : answer.cells) {
        std::vector<std::size_t> cells;
        for (const IsoWeek& week : weeks_covered(answer, cell.period)) {
            cells.push_back(system.variable(week_cell_name(prefix, week, cell.metric, cell.key)));
        }
        if (cells.empty()) {
            continue;
        }
        if (!cell.suppressed && cell.n) {
            system.add_sum(cells, *cell.n);
        } else if (cell.at_least) {
            system.add_sum(cells, *cell.at_least, Sense::at_least);
        }
    }
}

} // namespace wellness::audit

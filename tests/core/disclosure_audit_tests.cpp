// The exact solver the disclosure tests trust: checked on tiny systems whose answers are known.

#include "wellness/disclosure_audit.hpp"

#include <catch2/catch.hpp>

using namespace wellness::audit;

TEST_CASE("Fractions are exact and kept in lowest terms", "[disclosure-audit]") {
    const Rational third = Rational(1) / Rational(3);
    CHECK((third + third + third) == Rational(1));
    CHECK((Rational(2) / Rational(-4)).to_string() == "-1/2");
    CHECK(Rational(3) > third);
    CHECK((Rational(7) - Rational(7)).sign() == 0);
}

TEST_CASE("The old pattern's zero complements give 9 and 2 away exactly", "[disclosure-audit]") {
    // [[9,0],[2,0]] with every cell hidden and its row sums (9, 2) and column sums (11, 0)
    // published, as the old suppression did: the zero column pins both zeros, then each row
    // pins its other cell.
    LinearSystem system;
    const auto a = system.variable("r0c0");
    const auto b = system.variable("r0c1");
    const auto c = system.variable("r1c0");
    const auto d = system.variable("r1c1");
    system.add_sum({a, b}, 9);
    system.add_sum({c, d}, 2);
    system.add_sum({a, c}, 11);
    system.add_sum({b, d}, 0);
    const auto intervals = system.intervals();
    REQUIRE(intervals);
    CHECK((*intervals)[a].determined());
    CHECK((*intervals)[a].low == Rational(9));
    CHECK((*intervals)[c].determined());
    CHECK((*intervals)[c].low == Rational(2));
    CHECK((*intervals)[b].high == Rational(0));
}

TEST_CASE("A 2x2 table of hidden non-zero cells with its sums leaves every cell a range",
          "[disclosure-audit]") {
    // [[3,6],[7,2]]: rows 9, 9; columns 10, 8. x = r0c0 ranges over [1, 9].
    LinearSystem system;
    const auto a = system.variable("a");
    const auto b = system.variable("b");
    const auto c = system.variable("c");
    const auto d = system.variable("d");
    system.add_sum({a, b}, 9);
    system.add_sum({c, d}, 9);
    system.add_sum({a, c}, 10);
    system.add_sum({b, d}, 8);
    const auto interval = system.interval(a);
    REQUIRE(interval);
    CHECK(interval->low == Rational(1));
    CHECK(interval->high == Rational(9));
    CHECK_FALSE(interval->determined());
}

TEST_CASE("Differences of overlapping sums pin a cell; a cell in no sum is unbounded",
          "[disclosure-audit]") {
    LinearSystem system;
    const auto w43 = system.variable("w43");
    const auto w44 = system.variable("w44");
    const auto lonely = system.variable("lonely");
    system.add_sum({w43, w44}, 36);
    system.add_sum({w43}, 35);
    const auto intervals = system.intervals();
    REQUIRE(intervals);
    CHECK((*intervals)[w44].determined());
    CHECK((*intervals)[w44].low == Rational(1));
    CHECK_FALSE((*intervals)[lonely].high);
}

TEST_CASE("Lower bounds and contradictions are understood", "[disclosure-audit]") {
    LinearSystem system;
    const auto x = system.variable("x");
    const auto y = system.variable("y");
    system.add_sum({x, y}, 10);
    system.add_sum({x}, 4, Sense::at_least);
    auto interval = system.interval(y);
    REQUIRE(interval);
    CHECK(interval->low == Rational(0));
    CHECK(interval->high == Rational(6));
    system.add_sum({y}, 7, Sense::at_least);
    CHECK_FALSE(system.intervals());
}

TEST_CASE("The simplex maximizes exactly and reports unbounded problems", "[disclosure-audit]") {
    // max x + y subject to x + 2y <= 4, 3x + y <= 6: optimum at (8/5, 6/5), value 14/5.
    const std::vector<Constraint> constraints = {{{{0, 1}, {1, 2}}, Sense::at_most, 4},
                                                 {{{0, 3}, {1, 1}}, Sense::at_most, 6}};
    const auto result = maximize(2, constraints, {{0, 1}, {1, 1}});
    REQUIRE(result.status == LpStatus::optimal);
    CHECK(result.value == Rational(14) / Rational(5));
    CHECK(maximize(2, {{{{0, 1}}, Sense::at_most, 4}}, {{1, 1}}).status == LpStatus::unbounded);
}

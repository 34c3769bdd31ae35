#pragma once

#include <random>
#include <string>

namespace wellness::test {

// A version 4 uuid, lowercase, drawn from a seeded generator: a test that makes batch ids this
// way makes the same ones at every run.
std::string seeded_uuid(std::mt19937_64& random);

} // namespace wellness::test

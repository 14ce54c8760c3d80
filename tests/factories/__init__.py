"""Test factories for the registries and accounts (factory-boy); used by the tests and the benchmarks."""

"""Benchmarks of the speed goals; `make bench` runs them (see README, "Benchmarks")."""

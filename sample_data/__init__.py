"""Synthetic exports with ground truth, and the generator that makes them."""

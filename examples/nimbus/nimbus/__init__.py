"""Nimbus: a made-up service that is half-way off eventlet."""

"""Development tools, outside the product: the API benchmark, the synthetic data generator, the load
test and the builder of the ISO 3166 fixture.

The ``devtools`` app is installed only with DEBUG on (and in the test suite): production settings
list none of its commands, and the product's package does not include it.
"""

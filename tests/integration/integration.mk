# Integration boots: see tests/integration/

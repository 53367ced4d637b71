# Test guests: see tests/guests/README.md

// The translation unit that the run-time tests' precompiled header is made with.

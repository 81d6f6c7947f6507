"""Scripts that build large databases and time the program on them."""

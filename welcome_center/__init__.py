"""Welcome Center desk: case management for counselling offices for skilled workers from abroad."""

__version__ = "0.1.0"

"""Table models over the services (ids held, rows fetched on demand, ``data()`` O(1))."""

"""What the program does, one module per capability; each call is one transaction for an actor."""

"""firstline: the operations platform for a neighbourhood's epidemic response."""

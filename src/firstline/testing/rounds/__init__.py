"""Rounds of mass testing: a round and its areas, its pooling rules, the sampling points."""

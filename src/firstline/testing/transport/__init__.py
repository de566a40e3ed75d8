"""Transport: boxes of tubes from the sampling point to the lab, every hand-off recorded."""

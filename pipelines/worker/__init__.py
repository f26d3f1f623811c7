"""Worker processes for the CPU work of the stages: the pool, its warm-up and the record of where work done ahead
pays off."""

"""Sub-commands of ``newscorpus``: each module has ``add_arguments(parser)`` and ``run(args) -> int``."""
